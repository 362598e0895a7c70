//! `cargo xtask serve | test | bench | fuzz`: the project's automation, for people and CI alike.

mod csp;
mod tools;

use std::process::{Command, ExitCode};
use std::time::Instant;

use tools::{project_root, Tools};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(),
        Some("test") => test(),
        Some("bench") => bench(&args[1..]),
        Some("fuzz") => fuzz(&args[1..]),
        Some("csp") => csp::apply(),
        _ => {
            eprintln!("usage: cargo xtask <serve|test|bench|fuzz>");
            eprintln!("  serve   build the playground and serve it on http://127.0.0.1:8080");
            eprintln!("  test    formatting, lints, native, wasm and browser tests");
            eprintln!("  bench   the benchmarks (release builds)");
            eprintln!("  fuzz    [TARGET] [--seconds N]: the cargo-fuzz targets of fuzz/, each for N s (60)");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask: {error}");
            ExitCode::FAILURE
        }
    }
}

fn serve() -> Result<bool, String> {
    let tools = Tools::ensure_web()?;
    println!("Serving the playground on http://127.0.0.1:8080");
    let status = tools
        .command("trunk")
        // Trunk's live reload is an inline script, which the page's Content-Security-Policy
        // refuses: reload by hand after a rebuild.
        .args([
            "serve",
            "--offline",
            "--no-autoreload",
            "--address",
            "127.0.0.1",
            "--port",
            "8080",
        ])
        .status();
    Ok(status.map_err(|e| format!("trunk: {e}"))?.success())
}

/// One step of `cargo xtask test` and what it reported.
struct Outcome {
    name: &'static str,
    passed: usize,
    failed: usize,
    ok: bool,
}

fn test() -> Result<bool, String> {
    let tools = Tools::ensure_all()?;
    let mut outcomes = Vec::new();
    let mut run = |name: &'static str, mut command: Command, counts: fn(&str) -> (usize, usize)| {
        println!("\n==> {name}\n    {}", describe(&command));
        let started = Instant::now();
        let (ok, output) = tools::run_teed(&mut command);
        let (mut passed, mut failed) = counts(&output);
        if passed + failed == 0 {
            // A check without test counts (fmt, clippy, build) counts as one.
            if ok {
                passed = 1
            } else {
                failed = 1
            }
        }
        if !ok && failed == 0 {
            failed = 1;
        }
        println!(
            "<== {name}: {} ({passed} passed, {failed} failed, {:.1?})",
            if ok { "ok" } else { "FAILED" },
            started.elapsed()
        );
        outcomes.push(Outcome {
            name,
            passed,
            failed,
            ok,
        });
    };
    let cargo = || {
        let mut c = tools.command("cargo");
        c.current_dir(project_root());
        c
    };
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--check"]);
    run("cargo fmt --check", fmt, no_counts);
    let mut clippy = cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]);
    run("cargo clippy", clippy, no_counts);
    let mut native = cargo();
    native.args([
        "nextest",
        "run",
        "--workspace",
        "--exclude",
        "stepwise-web",
        "--no-fail-fast",
    ]);
    native.env("STEPWISE_CFN_LINT", Tools::cfn_lint());
    run("native tests (nextest)", native, nextest_counts);
    let mut doc = cargo();
    doc.args(["test", "--doc", "--workspace", "--exclude", "stepwise-web"]);
    run("doc tests", doc, cargo_test_counts);
    let mut trunk = tools.command("trunk");
    trunk
        .current_dir(project_root())
        .args(["build", "--release", "--offline"]);
    run("wasm build of web/ (trunk, release)", trunk, no_counts);
    let mut wasm = cargo();
    wasm.args([
        "test",
        "--profile",
        "wasm-test",
        "--target",
        "wasm32-unknown-unknown",
        "-p",
        "stepwise-web",
    ])
    .env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", "/usr/bin/chromedriver")
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    run(
        "wasm-bindgen-test in headless Chromium",
        wasm,
        cargo_test_counts,
    );
    let mut smoke = tools.command("node");
    smoke
        .current_dir(project_root())
        .arg("tests/browser/smoke.mjs");
    run("Playwright smoke test", smoke, smoke_counts);

    let passed: usize = outcomes.iter().map(|o| o.passed).sum();
    let failed: usize = outcomes.iter().map(|o| o.failed).sum();
    println!();
    for o in &outcomes {
        println!("  {:<40} {}", o.name, if o.ok { "ok" } else { "FAILED" });
    }
    println!("{passed} passed, {failed} failed");
    Ok(outcomes.iter().all(|o| o.ok))
}

/// Native benchmarks, then the same work in wasm in Chromium, then the peers under Node.
fn bench(args: &[String]) -> Result<bool, String> {
    let tools = Tools::ensure_all()?;
    let root = project_root();
    let step = |title: &str, command: &mut Command| -> Result<bool, String> {
        println!("\n==> {title}");
        Ok(command
            .current_dir(&root)
            .status()
            .map_err(|e| format!("{title}: {e}"))?
            .success())
    };
    let native = step(
        "native benchmarks",
        tools
            .command("cargo")
            .args(["bench", "-p", "stepwise-engine", "-p", "stepwise-graph"])
            .args(args),
    )?;
    let built = step(
        "release build of the playground",
        tools
            .command("trunk")
            .args(["build", "--release", "--offline"]),
    )?;
    let browser = built
        && step(
            "playground and wasm in Chromium",
            tools.command("node").arg("tests/browser/bench.mjs"),
        )?;
    let sized = step(
        "wasm code size per crate (release build with function names)",
        tools.command("cargo").args([
            "build",
            "-p",
            "stepwise-web",
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-names",
        ]),
    )? && step(
        "wasm code size per crate",
        tools.command("node").args([
            "tests/bench/wasm-crates.mjs",
            "target/wasm32-unknown-unknown/wasm-names/stepwise_web.wasm",
        ]),
    )?;
    tools.ensure_bench_peers()?;
    let peers = step(
        "peers: dagre, aws-local-stepfunctions, jsonata-js",
        tools.command("node").arg("tests/bench/peers.mjs"),
    )?;
    Ok(native && built && browser && sized && peers)
}

/// The cargo-fuzz targets of `fuzz/` (its own workspace, built with nightly), one after
/// another, or the one named; not part of `test`. A crash stops that target and is saved
/// under `fuzz/artifacts/TARGET/`.
fn fuzz(args: &[String]) -> Result<bool, String> {
    let usage = "usage: cargo xtask fuzz [TARGET] [--seconds N]";
    let mut target = None;
    let mut seconds: u64 = 60;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = rest
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or_else(|| format!("--seconds takes a whole number of seconds; {usage}"))?
            }
            _ if arg.starts_with('-') || target.is_some() => {
                return Err(format!("unexpected argument {arg:?}; {usage}"))
            }
            _ => target = Some(arg.clone()),
        }
    }
    let tools = Tools::ensure_fuzz()?;
    let dir = project_root().join("fuzz");
    let targets = match target {
        Some(target) => vec![target],
        None => tools.fuzz_targets(&dir)?,
    };
    let mut outcomes = Vec::new();
    for target in &targets {
        tools::seed_fuzz_corpus(&dir, target)?;
        let mut command = tools.command("cargo");
        command
            .current_dir(&dir)
            .args(["+nightly", "fuzz", "run", target, "--"]);
        command.arg(format!("-max_total_time={seconds}"));
        println!(
            "\n==> fuzz {target} ({seconds} s)\n    {}",
            describe(&command)
        );
        let started = Instant::now();
        let ok = command
            .status()
            .map_err(|e| format!("cargo fuzz: {e}"))?
            .success();
        println!(
            "<== fuzz {target}: {} ({:.1?})",
            if ok {
                "ok".to_owned()
            } else {
                format!("FAILED, see fuzz/artifacts/{target}/")
            },
            started.elapsed()
        );
        outcomes.push((target, ok));
    }
    let passed = outcomes.iter().filter(|(_, ok)| *ok).count();
    println!();
    for (target, ok) in &outcomes {
        println!("  {target:<40} {}", if *ok { "ok" } else { "FAILED" });
    }
    println!("{passed} passed, {} failed", outcomes.len() - passed);
    Ok(passed == outcomes.len())
}

fn describe(command: &Command) -> String {
    std::iter::once(command.get_program().to_string_lossy().into_owned())
        .chain(command.get_args().map(|a| a.to_string_lossy().into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn no_counts(_: &str) -> (usize, usize) {
    (0, 0)
}

/// Sum cargo's `test result: ok. N passed; M failed` lines.
fn cargo_test_counts(output: &str) -> (usize, usize) {
    output
        .lines()
        .filter(|l| l.contains("test result:"))
        .map(|l| (number_before(l, " passed"), number_before(l, " failed")))
        .fold((0, 0), |(p, f), (a, b)| (p + a, f + b))
}

/// nextest's `Summary [...] N tests run: P passed, F failed, S skipped`.
fn nextest_counts(output: &str) -> (usize, usize) {
    output
        .lines()
        .rev()
        .find(|l| l.contains("tests run:") || l.contains("test run:"))
        .map_or((0, 0), |l| {
            (number_before(l, " passed"), number_before(l, " failed"))
        })
}

/// The smoke test ends with `N passed, M failed`.
fn smoke_counts(output: &str) -> (usize, usize) {
    output
        .lines()
        .rev()
        .find(|l| l.ends_with(" failed") && l.contains(" passed, "))
        .map_or((0, 0), |l| {
            (number_before(l, " passed"), number_before(l, " failed"))
        })
}

fn number_before(line: &str, word: &str) -> usize {
    let Some(end) = line.find(word) else { return 0 };
    let digits: String = line[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .chars()
        .rev()
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_counts_from_each_runner() {
        let cargo = "test result: ok. 3 passed; 0 failed; 0 ignored\ntest result: FAILED. 1 passed; 2 failed;";
        assert_eq!(cargo_test_counts(cargo), (4, 2));
        let nextest = "     Summary [   0.5s] 12 tests run: 11 passed, 1 failed, 0 skipped";
        assert_eq!(nextest_counts(nextest), (11, 1));
        assert_eq!(smoke_counts("checking...\n5 passed, 0 failed"), (5, 0));
    }
}
