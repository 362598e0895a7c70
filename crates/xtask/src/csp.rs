//! `cargo xtask csp`, run by Trunk after every build (a `post_build` hook in Trunk.toml):
//! the page gets a Content-Security-Policy that allows only what it needs, and Trunk's
//! inline start-up script moves to a file, so the policy can forbid inline scripts.

use std::path::Path;

/// Everything the playground loads comes from its own origin; wasm may be compiled (in the
/// page and in the engine worker, which starts from a `blob:` loader); no inline script, no
/// eval; styles may be set inline (the graph positions its elements so).
pub const POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
worker-src 'self' blob:; connect-src 'self'; img-src 'self' data:; \
style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'none'";

/// The file the start-up script moves to.
const INIT_SCRIPT: &str = "init.js";

/// Apply the policy to the `index.html` in Trunk's staging directory.
pub fn apply() -> Result<bool, String> {
    let staging = std::env::var("TRUNK_STAGING_DIR")
        .map_err(|_| "csp runs as Trunk's post_build hook (TRUNK_STAGING_DIR is not set)")?;
    let index = Path::new(&staging).join("index.html");
    let html = std::fs::read_to_string(&index).map_err(|e| format!("{}: {e}", index.display()))?;
    let (html, script) = externalise_script(&html)?;
    std::fs::write(Path::new(&staging).join(INIT_SCRIPT), script)
        .map_err(|e| format!("{INIT_SCRIPT}: {e}"))?;
    std::fs::write(&index, with_policy(&html)).map_err(|e| format!("{}: {e}", index.display()))?;
    Ok(true)
}

/// Move the one inline `<script type="module">` to [`INIT_SCRIPT`]: (the page, the script).
fn externalise_script(html: &str) -> Result<(String, String), String> {
    let open = "<script type=\"module\">";
    let start = html
        .find(open)
        .ok_or("index.html has no inline module script")?;
    let end = html[start..]
        .find("</script>")
        .map(|i| start + i)
        .ok_or("the inline script is not closed")?;
    let script = html[start + open.len()..end].trim().to_owned();
    let tag = format!("<script type=\"module\" src=\"./{INIT_SCRIPT}\"></script>");
    let page = format!(
        "{}{tag}{}",
        &html[..start],
        &html[end + "</script>".len()..]
    );
    Ok((page, script))
}

fn with_policy(html: &str) -> String {
    let meta = format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\" />");
    html.replacen("<head>", &format!("<head>\n    {meta}"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_script_moves_out_and_the_policy_goes_in() {
        let html = "<html><head><script type=\"module\">\nimport init from './a.js';\nawait init();\n</script></head><body></body></html>";
        let (page, script) = externalise_script(html).unwrap();
        assert_eq!(script, "import init from './a.js';\nawait init();");
        assert!(page.contains("<script type=\"module\" src=\"./init.js\"></script>"));
        assert!(!page.contains("import init"));
        let page = with_policy(&page);
        assert!(page.contains("Content-Security-Policy"));
        let scripts = POLICY
            .split("; ")
            .find(|d| d.starts_with("script-src"))
            .unwrap();
        assert_eq!(
            scripts, "script-src 'self' 'wasm-unsafe-eval'",
            "no inline script, no eval"
        );
    }
}
