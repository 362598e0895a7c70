//! Installing what the build and tests need, idempotently: each tool is skipped when the
//! right version is already there, so warm runs cost nothing.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const WASM_BINDGEN_VERSION: &str = "0.2.130";
const TRUNK_VERSION: &str = "0.21.14";
const BINARYEN_VERSION: &str = "132";
const CFN_LINT_VERSION: &str = "1.58.0";

/// The workspace root.
pub fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/xtask is two levels deep")
        .to_path_buf()
}

/// Tools on PATH, plus the project-local ones (wasm-opt).
pub struct Tools {
    path: String,
}

impl Tools {
    fn new() -> Self {
        let local_bin = project_root().join("target/tools/node_modules/.bin");
        let cargo_bin = std::env::var("CARGO_HOME")
            .map(PathBuf::from)
            .unwrap_or_else(|_| home().join(".cargo"))
            .join("bin");
        let path = format!(
            "{}:{}:{}",
            local_bin.display(),
            cargo_bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        Tools { path }
    }

    pub fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.env("PATH", &self.path);
        command
    }

    /// What building and serving the playground needs.
    pub fn ensure_web() -> Result<Self, String> {
        let tools = Tools::new();
        tools.ensure_wasm_target()?;
        tools.ensure_cargo_tool(
            "wasm-bindgen",
            WASM_BINDGEN_VERSION,
            &[
                "install",
                "wasm-bindgen-cli",
                "--version",
                WASM_BINDGEN_VERSION,
            ],
        )?;
        tools.ensure_cargo_tool(
            "trunk",
            TRUNK_VERSION,
            &["install", "--locked", "trunk", "--version", TRUNK_VERSION],
        )?;
        tools.ensure_wasm_opt()?;
        Ok(tools)
    }

    /// Everything `cargo xtask test` runs.
    pub fn ensure_all() -> Result<Self, String> {
        let tools = Tools::ensure_web()?;
        tools.ensure_chromium()?;
        tools.ensure_playwright()?;
        tools.ensure_cfn_lint()?;
        Ok(tools)
    }

    /// Where cfn-lint (which the template tests run on exported templates) is installed.
    pub fn cfn_lint() -> PathBuf {
        project_root().join("target/tools/venv/bin/cfn-lint")
    }

    /// cfn-lint from PyPI, in a virtual environment of its own.
    fn ensure_cfn_lint(&self) -> Result<(), String> {
        let installed = self.output_of(&Tools::cfn_lint().to_string_lossy(), &["--version"]);
        if installed.is_some_and(|v| v.contains(CFN_LINT_VERSION)) {
            return Ok(());
        }
        let venv = project_root().join("target/tools/venv");
        self.install(
            "a Python virtual environment for cfn-lint",
            self.command("python3").arg("-m").arg("venv").arg(&venv),
        )?;
        self.install(
            &format!("cfn-lint {CFN_LINT_VERSION}"),
            self.command(&venv.join("bin/pip").to_string_lossy()).args([
                "install",
                "--quiet",
                &format!("cfn-lint=={CFN_LINT_VERSION}"),
            ]),
        )
    }

    /// What `cargo xtask fuzz` needs: the nightly toolchain and cargo-fuzz.
    pub fn ensure_fuzz() -> Result<Self, String> {
        let tools = Tools::new();
        let toolchains = tools
            .output_of("rustup", &["toolchain", "list"])
            .unwrap_or_default();
        if !toolchains.lines().any(|l| l.starts_with("nightly")) {
            tools.install(
                "the nightly toolchain",
                tools.command("rustup").args([
                    "toolchain",
                    "install",
                    "nightly",
                    "--profile",
                    "minimal",
                ]),
            )?;
        }
        if tools.output_of("cargo-fuzz", &["--version"]).is_none() {
            let locked = tools.install(
                "cargo-fuzz",
                tools
                    .command("cargo")
                    .args(["install", "cargo-fuzz", "--locked"]),
            );
            if locked.is_err() {
                tools.install(
                    "cargo-fuzz (without --locked)",
                    tools.command("cargo").args(["install", "cargo-fuzz"]),
                )?;
            }
        }
        Ok(tools)
    }

    /// The targets `cargo fuzz list` finds in `dir`.
    pub fn fuzz_targets(&self, dir: &Path) -> Result<Vec<String>, String> {
        let output = self
            .command("cargo")
            .current_dir(dir)
            .args(["+nightly", "fuzz", "list"])
            .output()
            .map_err(|e| format!("cargo fuzz list: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "cargo fuzz list failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect())
    }

    fn output_of(&self, program: &str, args: &[&str]) -> Option<String> {
        let output = self.command(program).args(args).output().ok()?;
        output
            .status
            .success()
            .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
    }

    fn install(&self, what: &str, command: &mut Command) -> Result<(), String> {
        println!("--- installing {what}: {command:?}");
        let status = command
            .status()
            .map_err(|e| format!("installing {what}: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("installing {what} failed ({status})"))
    }

    fn ensure_wasm_target(&self) -> Result<(), String> {
        let installed = self
            .output_of("rustup", &["target", "list", "--installed"])
            .unwrap_or_default();
        if installed
            .lines()
            .any(|l| l.trim() == "wasm32-unknown-unknown")
        {
            return Ok(());
        }
        self.install(
            "the wasm32 target",
            self.command("rustup")
                .args(["target", "add", "wasm32-unknown-unknown"]),
        )
    }

    fn ensure_cargo_tool(
        &self,
        binary: &str,
        version: &str,
        install_args: &[&str],
    ) -> Result<(), String> {
        let current = self.output_of(binary, &["--version"]).unwrap_or_default();
        if current.contains(version) {
            return Ok(());
        }
        self.install(
            &format!("{binary} {version}"),
            self.command("cargo").args(install_args),
        )
    }

    fn ensure_wasm_opt(&self) -> Result<(), String> {
        let current = self
            .output_of("wasm-opt", &["--version"])
            .unwrap_or_default();
        if current.contains(&format!("version {BINARYEN_VERSION}")) {
            return Ok(());
        }
        let dir = project_root().join("target/tools");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        self.install(
            &format!("binaryen {BINARYEN_VERSION} (wasm-opt)"),
            self.command("npm")
                .current_dir(&dir)
                .args(["install", "--no-audit", "--no-fund", "--prefix", "."])
                .arg(format!("binaryen@{BINARYEN_VERSION}")),
        )
    }

    fn ensure_chromium(&self) -> Result<(), String> {
        if Path::new("/usr/bin/chromium").exists() && Path::new("/usr/bin/chromedriver").exists() {
            return Ok(());
        }
        let sudo: &[&str] = if is_root() { &[] } else { &["sudo"] };
        let apt = |args: &[&str]| {
            let mut all: Vec<&str> = sudo.to_vec();
            all.push("apt-get");
            all.extend_from_slice(args);
            let mut command = self.command(all[0]);
            command
                .args(&all[1..])
                .env("DEBIAN_FRONTEND", "noninteractive");
            command
        };
        self.install("apt package lists", &mut apt(&["update"]))?;
        self.install(
            "chromium and chromium-driver",
            &mut apt(&["install", "-y", "chromium", "chromium-driver"]),
        )
    }

    /// The npm packages the benchmarks compare against (tests/bench/package.json).
    pub fn ensure_bench_peers(&self) -> Result<(), String> {
        let dir = project_root().join("tests/bench");
        if dir
            .join("node_modules/@dagrejs/dagre/package.json")
            .exists()
        {
            return Ok(());
        }
        self.install(
            "the benchmark peers",
            self.command("npm")
                .current_dir(&dir)
                .args(["install", "--no-audit", "--no-fund"]),
        )
    }

    fn ensure_playwright(&self) -> Result<(), String> {
        let dir = project_root().join("tests/browser");
        if dir
            .join("node_modules/playwright-core/package.json")
            .exists()
        {
            return Ok(());
        }
        self.install(
            "playwright-core",
            self.command("npm")
                .current_dir(&dir)
                .args(["install", "--no-audit", "--no-fund"]),
        )
    }
}

/// Inputs each fuzz target's corpus starts from (libFuzzer grows it from there); `load` also
/// starts from the example definitions.
const FUZZ_SEEDS: &[(&str, &[&str])] = &[
    (
        "paths",
        &[
            "$.orders[?(@.price > 10)].id",
            "$..tags[0:2]",
            "$['keys']['with space']",
            "$.nested.a.b.c[-1][1][*].d",
            "$$.Execution.Id",
            "$.items.length()",
            "States.Format('{} and {}', $.n, $.s)",
            "States.ArrayPartition(States.ArrayRange(1, 9, 2), 2)",
            "States.JsonMerge($.empty, States.StringToJson('{\"a\":1}'), false)",
            "States.Hash($.s, 'SHA-256')",
        ],
    ),
    (
        "jsonata",
        &[
            "$states.input.n * 2",
            "$sum($states.input.items[$type($) = 'number'])",
            "{'a': [1..3].($ * $)}",
            "$map($states.input.items, function($v, $i) { $i })",
            "$string($now()) & $uuid()",
            "$partition([1, 2, 3], 2)",
        ],
    ),
];

/// Fill `fuzz/corpus/TARGET` with its seeds when it does not exist yet.
pub fn seed_fuzz_corpus(fuzz_dir: &Path, target: &str) -> Result<(), String> {
    let corpus = fuzz_dir.join("corpus").join(target);
    if corpus.exists() {
        return Ok(());
    }
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let write = |name: &str, data: &[u8]| {
        std::fs::write(corpus.join(name), data).map_err(|e| format!("{}: {e}", corpus.display()))
    };
    let seeds = FUZZ_SEEDS
        .iter()
        .find(|(t, _)| *t == target)
        .map_or(&[][..], |(_, seeds)| *seeds);
    for (i, seed) in seeds.iter().enumerate() {
        write(&format!("seed-{i}"), seed.as_bytes())?;
    }
    if target == "load" {
        let examples = project_root().join("public/examples");
        for entry in
            std::fs::read_dir(&examples).map_err(|e| format!("{}: {e}", examples.display()))?
        {
            let path = entry.map_err(|e| e.to_string())?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.ends_with(".asl.json") {
                write(
                    name,
                    &std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
                )?;
            }
        }
    }
    Ok(())
}

fn home() -> PathBuf {
    std::env::var("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from("/root"))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| o.stdout.starts_with(b"0"))
        .unwrap_or(false)
}

/// Run `command`, echoing its stdout and stderr as they come, and return its success and
/// everything it printed.
pub fn run_teed(command: &mut Command) -> (bool, String) {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(error) => {
            println!("    could not start: {error}");
            return (false, String::new());
        }
    };
    let stderr = child.stderr.take().expect("piped");
    let echo_stderr = std::thread::spawn(move || tee(stderr, true));
    let mut output = tee(child.stdout.take().expect("piped"), false);
    output.push_str(&echo_stderr.join().unwrap_or_default());
    let ok = child.wait().map(|s| s.success()).unwrap_or(false);
    (ok, output)
}

fn tee(stream: impl Read, to_stderr: bool) -> String {
    let mut all = String::new();
    for line in BufReader::new(stream).lines().map_while(Result::ok) {
        if to_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        all.push_str(&line);
        all.push('\n');
    }
    all
}
