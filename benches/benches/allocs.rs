//! Heap allocations per HS256 decode (into the typed claims) and per encode, for every
//! contender, counted by a global allocator that wraps the system one.
//!
//! Prints one tab-separated line per measurement, `allocs <alg>/<op> <contender> <count>
//! <bytes>`, which `cargo xtask bench` reads; the counts are exact (allocation is
//! deterministic here), so this is no timing and runs in a moment.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use benches::{Alg, CLAIMS_OWN_ALLOCATIONS, KeyMaterial, PEERS, contender, contenders, token};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);
static BYTES: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counters are atomics.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which System shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` through this allocator with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        BYTES.fetch_add(new_size, Ordering::Relaxed);
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations and bytes per call of `f`, averaged over enough calls to be exact.
fn count(mut f: impl FnMut()) -> (f64, f64) {
    f();
    const CALLS: usize = 200;
    let (before, bytes_before) = (
        ALLOCATIONS.load(Ordering::Relaxed),
        BYTES.load(Ordering::Relaxed),
    );
    for _ in 0..CALLS {
        f();
    }
    let calls = CALLS as f64;
    (
        (ALLOCATIONS.load(Ordering::Relaxed) - before) as f64 / calls,
        (BYTES.load(Ordering::Relaxed) - bytes_before) as f64 / calls,
    )
}

/// `allocs --repeat ALG/OP CONTENDER N`: only runs that call N times, for instruction counts
/// under callgrind, which a busy machine cannot disturb (compare N = 1000 with N = 0).
fn repeat(args: &[String]) -> bool {
    let [flag, what, who, n] = args else {
        return false;
    };
    if flag != "--repeat" {
        return false;
    }
    let n: usize = n.parse().expect("N is a count");
    let (alg, op) = what.split_once('/').expect("ALG/OP");
    let alg = Alg::from_name(alg).expect("a benchmarked algorithm");
    let keys = KeyMaterial::load(alg);
    let token = token(&keys);
    let contender = contender(&keys, who).expect("a contender");
    for _ in 0..n {
        match op {
            "decode" => drop(black_box((contender.decode)(black_box(&token)))),
            _ => drop(black_box((contender.encode)())),
        }
    }
    true
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if repeat(&args) {
        return;
    }
    println!("# the typed claims own {CLAIMS_OWN_ALLOCATIONS} allocations");
    for alg in Alg::available() {
        let keys = KeyMaterial::load(alg);
        let token = token(&keys);
        for contender in contenders(&keys, &PEERS) {
            if alg != Alg::HS256 && contender.id != "jwtkit" {
                continue;
            }
            let (n, bytes) = count(|| {
                black_box((contender.decode)(black_box(&token)));
            });
            println!(
                "allocs\t{}/decode\t{}\t{n}\t{bytes}",
                alg.name(),
                contender.id
            );
            let (n, bytes) = count(|| {
                black_box((contender.encode)());
            });
            println!(
                "allocs\t{}/encode\t{}\t{n}\t{bytes}",
                alg.name(),
                contender.id
            );
        }
    }
}
