//! Many independent Lua states on all cores with rayon: each job gets its
//! own state (states share nothing), runs a script, and returns a Rust
//! value. `Lua` is `Send`, so states can also be made on one thread and
//! used on another.
//!
//! Run: `cargo run --release -p luna --example parallel`

use rayon::prelude::*;

const SCRIPT: &str = r#"
local seed = ...
-- A small simulation: a random walk with a reproducible generator.
local x, state = 0, seed
for _ = 1, 200000 do
  state = (state * 1103515245 + 12345) % 2147483648
  if state % 2 == 0 then x = x + 1 else x = x - 1 end
end
return x
"#;

fn main() -> luna::Result<()> {
    let jobs: Vec<i64> = (1..=64).collect();
    let start = std::time::Instant::now();
    let results: Vec<(i64, i64)> = jobs
        .par_iter()
        .map(|&seed| {
            let lua = luna::Lua::new();
            let walk = lua.load(SCRIPT).set_name("=walk").into_function()?;
            Ok((seed, walk.call::<_, i64>(seed)?))
        })
        .collect::<luna::Result<_>>()?;
    let elapsed = start.elapsed();
    let farthest = results.iter().max_by_key(|(_, x)| x.abs()).unwrap();
    println!(
        "{} walks on {} threads in {:.2?}; farthest: seed {} ended at {}",
        results.len(),
        rayon::current_num_threads(),
        elapsed,
        farthest.0,
        farthest.1
    );

    // States made here, moved to worker threads, then back.
    let states: Vec<luna::Lua> = (0..8).map(|_| luna::Lua::new()).collect();
    let states: Vec<luna::Lua> = states
        .into_par_iter()
        .enumerate()
        .map(|(i, lua)| {
            lua.globals().set("id", i).unwrap();
            lua
        })
        .collect();
    let ids: Vec<i64> = states
        .iter()
        .map(|l| l.globals().get("id"))
        .collect::<luna::Result<_>>()?;
    assert_eq!(ids, (0..8).collect::<Vec<_>>());
    println!("states moved across threads and back: {ids:?}");
    Ok(())
}
