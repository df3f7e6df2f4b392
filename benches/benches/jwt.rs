//! Encode and decode+validate of the typical token, every algorithm the build's backend has,
//! every contender side by side in one run (criterion group `<alg>/<op>`, function =
//! contender); jwtkit's `decode_raw` (the path the C binding takes); and decode throughput
//! with 1 and 2 threads sharing one key and one `Validation`.
//!
//! jwtkit and the floor run on the build's backend (`ring` by default, `aws-lc-rs` with
//! `--no-default-features --features aws-lc-rs`). `BENCH_PEERS` (comma-separated ids, e.g.
//! `jsonwebtoken10,jwt-simple`) limits the peers; all of them run when it is unset.
//!
//! `cargo xtask bench` runs this once per backend and turns criterion's estimates into
//! BENCHMARKS.md.

use std::hint::black_box;
use std::time::{Duration, Instant};

use benches::{Alg, Claims, KeyMaterial, PEERS, contenders, jwtkit_keys, jwtkit_validation, token};
use criterion::{Criterion, criterion_group, criterion_main};

/// The peers to run: `BENCH_PEERS`, or all of them.
fn peers() -> Vec<&'static str> {
    match std::env::var("BENCH_PEERS") {
        Ok(list) => PEERS
            .into_iter()
            .filter(|id| list.split(',').any(|wanted| wanted.trim() == *id))
            .collect(),
        Err(_) => PEERS.to_vec(),
    }
}

fn operations(c: &mut Criterion) {
    let peers = peers();
    for alg in Alg::available() {
        let keys = KeyMaterial::load(alg);
        let contenders = contenders(&keys, &peers);
        let token = token(&keys);
        let mut group = c.benchmark_group(format!("{}/decode", alg.name()));
        for contender in &contenders {
            group.bench_function(contender.id, |b| {
                b.iter(|| (contender.decode)(black_box(&token)));
            });
        }
        group.finish();
        let mut group = c.benchmark_group(format!("{}/encode", alg.name()));
        for contender in &contenders {
            group.bench_function(contender.id, |b| b.iter(|| (contender.encode)()));
        }
        group.finish();
    }
}

/// The Rust call under `jwtkit_verify`: claims handed back as JSON text.
fn rust_path(c: &mut Criterion) {
    let c_table = [Alg::HS256, Alg::RS256, Alg::ES256, Alg::ES512, Alg::ES256K];
    for alg in c_table
        .into_iter()
        .filter(|alg| Alg::available().contains(alg))
    {
        let keys = KeyMaterial::load(alg);
        let (_, verifying) = jwtkit_keys(&keys);
        let validation = jwtkit_validation(alg);
        let token = token(&keys);
        let mut group = c.benchmark_group(format!("{}/decode_raw", alg.name()));
        group.bench_function("jwtkit", |b| {
            b.iter(|| {
                jwt_crypto::decode_raw(black_box(&token), &verifying, &validation).expect("decodes")
            });
        });
        group.finish();
    }
}

/// Decodes per second with 1 and 2 threads sharing one key and one validation. Each thread
/// decodes `iters` tokens; the time reported per iteration is the wall time divided by the
/// thread count, so perfect scaling halves it.
fn threads(c: &mut Criterion) {
    for alg in [Alg::HS256, Alg::ES256] {
        let keys = KeyMaterial::load(alg);
        let (_, verifying) = jwtkit_keys(&keys);
        let validation = jwtkit_validation(alg);
        let token = token(&keys);
        let mut group = c.benchmark_group(format!("{}/threads", alg.name()));
        for threads in [1u32, 2] {
            group.bench_function(threads.to_string(), |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    std::thread::scope(|scope| {
                        for _ in 0..threads {
                            scope.spawn(|| {
                                for _ in 0..iters {
                                    let data = jwt_crypto::decode::<Claims>(
                                        black_box(&token),
                                        &verifying,
                                        &validation,
                                    );
                                    black_box(data.expect("decodes"));
                                }
                            });
                        }
                    });
                    start.elapsed() / threads
                });
            });
        }
        group.finish();
    }
}

fn config() -> Criterion {
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args()
}

criterion_group! {
    name = benches;
    config = config();
    targets = operations, rust_path, threads
}
criterion_main!(benches);
