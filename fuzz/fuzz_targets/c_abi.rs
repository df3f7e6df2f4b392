#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| jwtkit_fuzz::c_abi(data));
