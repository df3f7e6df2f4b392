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
//! line per pair, for every algorithm the build's backend has; then, for HS256 and ES256,
//! `paired <alg>/threads 2 threads <speedup>`: decode throughput with two threads over one,
//! from rounds that each run one batch on one thread, then the same batch on each of two;
//! and for the algorithms of the C benchmark (HS256, RS256, ES256, and ES512 and ES256K where
//! the backend has them) `paired <alg>/c_verify decode_raw <ratio>`: libjwtkit's
//! `jwtkit_verify` (its C entry point, called here in-process) over the Rust path it wraps.

use std::hint::black_box;
use std::time::{Duration, Instant};

use benches::{
    Alg, Claims, Contender, KeyMaterial, contender, jwtkit_keys, jwtkit_validation, token,
};

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
                let median = median_ratio(calls, &|| call(&jwtkit), &|| call(other));
                println!("paired\t{}/{op}\t{}\t{median:.4}", alg.name(), other.id);
            }
        }
    }
    for alg in [Alg::HS256, Alg::ES256] {
        println!(
            "paired\t{}/threads\t2 threads\t{:.4}",
            alg.name(),
            thread_speedup(alg)
        );
    }
    let c_rows = [Alg::HS256, Alg::RS256, Alg::ES256, Alg::ES512, Alg::ES256K];
    for alg in c_rows
        .into_iter()
        .filter(|alg| Alg::available().contains(alg))
    {
        println!(
            "paired\t{}/c_verify\tdecode_raw\t{:.4}",
            alg.name(),
            c_over_rust(alg)
        );
    }
}

/// libjwtkit's `jwtkit_verify` over `jwt_crypto::decode_raw`, which it wraps, in alternating
/// batches: what the C layer adds (argument checks, the error slot, the claims copied out).
fn c_over_rust(alg: Alg) -> f64 {
    let keys = KeyMaterial::load(alg);
    let token = token(&keys);
    let (_, verifying) = jwtkit_keys(&keys);
    let validation = jwtkit_validation(alg);
    let c = CVerifier::new(&keys);
    let rust = || {
        drop(black_box(
            jwt_crypto::decode_raw(black_box(&token), &verifying, &validation).expect("decodes"),
        ))
    };
    let through_c = || c.verify(black_box(&token));
    let slowest = per_call(&through_c).max(per_call(&rust));
    let calls = (BATCH.as_secs_f64() / slowest.as_secs_f64().max(1e-9)).ceil() as u32;
    median_ratio(calls, &through_c, &rust)
}

/// The median over the rounds of `first`'s time over `second`'s, each round one batch of
/// `calls` of each, back to back.
fn median_ratio(calls: u32, first: &dyn Fn(), second: &dyn Fn()) -> f64 {
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|_| batch(calls, first).as_secs_f64() / batch(calls, second).as_secs_f64())
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

/// A key and a validator made through libjwtkit's C ABI, as a C caller makes them.
struct CVerifier {
    key: *const jwtkit::jwtkit_key,
    validator: *const jwtkit::jwtkit_validator,
}

impl CVerifier {
    fn new(keys: &KeyMaterial) -> CVerifier {
        use jwtkit::*;
        let ok = |status: jwtkit_status, what: &str| {
            assert!(
                status == jwtkit_status_code::JWTKIT_OK as jwtkit_status,
                "{what}"
            )
        };
        let (mut key, mut builder, mut validator) =
            (std::ptr::null(), std::ptr::null_mut(), std::ptr::null());
        let alg = match keys.alg {
            Alg::HS256 => jwtkit_alg_code::JWTKIT_ALG_HS256 as jwtkit_alg,
            Alg::RS256 => jwtkit_alg_code::JWTKIT_ALG_RS256 as jwtkit_alg,
            Alg::ES256 => jwtkit_alg_code::JWTKIT_ALG_ES256 as jwtkit_alg,
            Alg::ES512 => jwtkit_alg_code::JWTKIT_ALG_ES512 as jwtkit_alg,
            Alg::ES256K => jwtkit_alg_code::JWTKIT_ALG_ES256K as jwtkit_alg,
            other => panic!("the C benchmark has no {} row", other.name()),
        };
        let issuer = std::ffi::CString::new(benches::ISSUER).expect("no NUL");
        let audience = std::ffi::CString::new(benches::AUDIENCE).expect("no NUL");
        // SAFETY: every pointer is valid for the call, lengths match their buffers, and the
        // out-pointers are to local handles.
        unsafe {
            ok(
                match keys.alg {
                    Alg::HS256 => jwtkit_key_from_secret(
                        benches::HMAC_SECRET.as_ptr(),
                        benches::HMAC_SECRET.len(),
                        &mut key,
                    ),
                    _ => jwtkit_key_from_pem(
                        keys.public_pem.as_ptr().cast(),
                        keys.public_pem.len(),
                        &mut key,
                    ),
                },
                "key",
            );
            ok(
                jwtkit_validator_builder_new(&alg, 1, &mut builder),
                "builder",
            );
            ok(
                jwtkit_validator_builder_add_issuer(builder, issuer.as_ptr()),
                "issuer",
            );
            ok(
                jwtkit_validator_builder_add_audience(builder, audience.as_ptr()),
                "audience",
            );
            ok(
                jwtkit_validator_builder_build(&mut builder, &mut validator),
                "validator",
            );
        }
        CVerifier { key, validator }
    }

    fn verify(&self, token: &str) {
        let mut claims = std::ptr::null_mut();
        // SAFETY: the handles are live (freed only on drop), the token's pointer and length
        // match, and the claims string is freed once returned.
        unsafe {
            let status = jwtkit::jwtkit_verify(
                self.validator,
                self.key,
                token.as_ptr().cast(),
                token.len(),
                &mut claims,
            );
            assert!(
                status == jwtkit::jwtkit_status_code::JWTKIT_OK as jwtkit::jwtkit_status,
                "jwtkit_verify"
            );
            jwtkit::jwtkit_string_free(black_box(claims));
        }
    }
}

impl Drop for CVerifier {
    fn drop(&mut self) {
        // SAFETY: both handles came from libjwtkit and are freed once.
        unsafe {
            jwtkit::jwtkit_key_free(self.key);
            jwtkit::jwtkit_validator_free(self.validator);
        }
    }
}

/// How many times the decodes per second of one thread two threads make, sharing one key
/// and one validation. Each round runs a batch of decodes on one spawned thread, then the
/// same batch on each of two at once; the median of the rounds' speedups is returned.
fn thread_speedup(alg: Alg) -> f64 {
    let keys = KeyMaterial::load(alg);
    let (_, verifying) = jwtkit_keys(&keys);
    let validation = jwtkit_validation(alg);
    let token = token(&keys);
    let decode = || {
        let data = jwt_crypto::decode::<Claims>(black_box(&token), &verifying, &validation);
        black_box(data.expect("jwtkit decodes"));
    };
    // Batches of about 8 ms, so that spawning (tens of microseconds) hardly counts.
    let calls = (8e-3 / per_call(&decode).as_secs_f64().max(1e-9)).ceil() as u32;
    let on_threads = |threads: u32| {
        let start = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                scope.spawn(|| batch(calls, &decode));
            }
        });
        start.elapsed().as_secs_f64()
    };
    let mut speedups: Vec<f64> = (0..ROUNDS)
        .map(|_| {
            let one = on_threads(1);
            let two = on_threads(2);
            2.0 * one / two
        })
        .collect();
    speedups.sort_by(f64::total_cmp);
    speedups[ROUNDS / 2]
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
