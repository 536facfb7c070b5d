//! Parse+compile throughput on a generated program (and on the test
//! programs), plus flattening. Run with `cargo bench -p lua-bytecode`.

fn main() {
    divan::main();
}

/// A large program exercising most constructs, `n` functions long.
pub fn generate(n: usize) -> String {
    let mut s = String::from("local M = {}\n");
    for i in 0..n {
        s.push_str(&format!(
            "function M.f{i}(a, b, ...)\n  local t = {{a, b, x = {i}, [\"k{i}\"] = a .. b}}\n  for j = 1, #t do\n    if t[j] and j % 2 == 0 or a < b then\n      t[j] = t[j] + j * {i}\n    elseif not b then\n      goto skip\n    end\n    ::skip::\n  end\n  for k, v in pairs(t) do print(k, v) end\n  while a > 0 do a = a - 1 end\n  repeat b = b + 1 until b > 10\n  return M.f{i}(a, b, ...), t:method(a), (a or b) and 1\nend\n"
        ));
    }
    s
}

#[divan::bench(args = [100, 1000])]
fn parse_and_compile(bencher: divan::Bencher, n: usize) {
    let src = generate(n);
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench(|| {
            lua_bytecode::compile_source(divan::black_box(src.as_bytes()), "=bench").unwrap()
        });
}

#[divan::bench(args = [1000])]
fn parse_only(bencher: divan::Bencher, n: usize) {
    let src = generate(n);
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench(|| {
            let arena = bumpalo::Bump::new();
            lua_syntax::parse(&arena, divan::black_box(src.as_bytes()), "=bench")
                .map(|c| c.block.stats.len())
                .unwrap()
        });
}

#[divan::bench(args = [1000])]
fn flatten(bencher: divan::Bencher, n: usize) {
    let src = generate(n);
    bencher
        .with_inputs(|| lua_bytecode::compile_source(src.as_bytes(), "=bench").unwrap())
        .bench_local_refs(|p| {
            p.protos
                .iter()
                .map(|c| lua_bytecode::flatten(c).code.len())
                .sum::<usize>()
        });
}
