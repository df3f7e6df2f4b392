//! jwtkit beside the floor and jsonwebtoken 10 in alternating batches: the ratios the targets
//! are judged by.
//!
//! criterion measures one contender for seconds, then the next; on a shared machine the
//! speed drifts between the two (a floor 30% slower in one run than in the run before is
//! common), and a ratio of two such medians carries the drift. Here every round times one
//! short batch of each contender back to back, and the ratio is the median over the rounds of
//! each round's own ratio, as the C and Python benchmarks already measure.
//!
//! Prints `paired <alg>/<op> <contender> <ratio of jwtkit's time to the contender's>`, one
//! line per pair, for every algorithm the build's backend has.

use std::hint::black_box;
use std::time::{Duration, Instant};

use benches::{Alg, Contender, KeyMaterial, contender, token};

/// Rounds per operation; the median of their ratios is reported.
const ROUNDS: usize = 31;
/// About how long each contender's batch runs in a round.
const BATCH: Duration = Duration::from_millis(4);

fn main() {
    for alg in Alg::available() {
        let keys = KeyMaterial::load(alg);
        let token = token(&keys);
        let jwtkit = contender(&keys, "jwtkit").expect("jwtkit has every algorithm");
        let others: Vec<Contender> = ["floor", "jsonwebtoken10"]
            .into_iter()
            .filter_map(|id| contender(&keys, id))
            .collect();
        for op in ["decode", "encode"] {
            let call = |who: &Contender| match op {
                "decode" => drop(black_box((who.decode)(black_box(&token)))),
                _ => drop(black_box((who.encode)())),
            };
            // One batch size for all: the calls that fit in BATCH for the slowest contender.
            let slowest = std::iter::once(&jwtkit)
                .chain(&others)
                .map(|who| per_call(&|| call(who)))
                .fold(Duration::ZERO, Duration::max);
            let calls = (BATCH.as_secs_f64() / slowest.as_secs_f64().max(1e-9)).ceil() as u32;
            for other in &others {
                let mut ratios: Vec<f64> = (0..ROUNDS)
                    .map(|_| {
                        let mine = batch(calls, &|| call(&jwtkit));
                        let theirs = batch(calls, &|| call(other));
                        mine.as_secs_f64() / theirs.as_secs_f64()
                    })
                    .collect();
                ratios.sort_by(f64::total_cmp);
                let median = ratios[ROUNDS / 2];
                println!("paired\t{}/{op}\t{}\t{median:.4}", alg.name(), other.id);
            }
        }
    }
}

/// Roughly how long one call takes (after a few to warm up).
fn per_call(call: &dyn Fn()) -> Duration {
    batch(3, call);
    let calls = 10;
    batch(calls, call) / calls
}

fn batch(calls: u32, call: &dyn Fn()) -> Duration {
    let start = Instant::now();
    for _ in 0..calls {
        call();
    }
    start.elapsed()
}
