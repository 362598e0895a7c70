//! What the user works on — definition, input, mocks, test case, substitutions — and where
//! it is kept:
//! localStorage on every change, and a compressed URL fragment for sharing.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::examples::Example;

const STORAGE_KEY: &str = "stepwise.workspace.v1";
const FRAGMENT_PREFIX: &str = "#w=";

/// Everything the user typed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Workspace {
    /// The ASL definition.
    pub definition: String,
    /// The execution input (JSON text).
    pub input: String,
    /// The MockConfigFile (JSON text).
    pub mocks: String,
    /// The selected test case.
    pub test_case: String,
    /// Values for the definition's `${Name}` placeholders (DefinitionSubstitutions).
    #[serde(default)]
    pub substitutions: BTreeMap<String, String>,
    /// Run and lint as an EXPRESS state machine (else STANDARD).
    #[serde(default)]
    pub express: bool,
}

impl Workspace {
    /// The workspace of an example.
    pub fn from_example(example: &Example) -> Self {
        Workspace {
            definition: example.definition.to_owned(),
            input: example.input.to_owned(),
            mocks: example.mocks.to_owned(),
            test_case: example.test_case.to_owned(),
            substitutions: BTreeMap::new(),
            express: false,
        }
    }

    /// The workspace to start with: the URL fragment, else (unless `embedded`, which shows
    /// only what its address holds) localStorage, else `fallback`.
    pub fn restore(fallback: &Example, embedded: bool) -> Self {
        from_fragment()
            .or_else(|| if embedded { None } else { from_storage() })
            .unwrap_or_else(|| Workspace::from_example(fallback))
    }

    /// Save to localStorage (quietly: private windows may refuse).
    pub fn save(&self) {
        if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(self)) {
            let _ = storage.set_item(STORAGE_KEY, &text);
        }
    }

    /// A URL fragment holding this workspace, deflated and base64url-encoded.
    pub fn to_fragment(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
        format!(
            "{FRAGMENT_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(packed)
        )
    }

    /// Read a workspace back from a fragment made by [`Workspace::to_fragment`].
    pub fn from_fragment_text(fragment: &str) -> Option<Self> {
        let encoded = fragment.strip_prefix(FRAGMENT_PREFIX)?;
        let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded)
            .ok()?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, 4 << 20).ok()?;
        serde_json::from_slice(&json).ok()
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn from_storage() -> Option<Workspace> {
    let text = local_storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
}

fn from_fragment() -> Option<Workspace> {
    let hash = web_sys::window()?.location().hash().ok()?;
    Workspace::from_fragment_text(&hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn fragments_round_trip_and_compress() {
        let workspace = Workspace::from_example(&crate::examples::EXAMPLES[0]);
        let fragment = workspace.to_fragment();
        assert!(
            fragment.len() < workspace.definition.len(),
            "the fragment is compressed"
        );
        assert_eq!(Workspace::from_fragment_text(&fragment), Some(workspace));
        assert_eq!(Workspace::from_fragment_text("#w=not-base64!"), None);
    }
}
