//! What the user works on — definition, input, mocks, test case, substitutions — and where
//! it is kept:
//! localStorage on every change, and a compressed URL fragment for sharing.

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::examples::Example;

const STORAGE_KEY: &str = "stepwise.workspace.v1";
/// The saved workspace a share link displaced, kept so it can be restored.
const PREVIOUS_KEY: &str = "stepwise.workspace.previous.v1";
/// The most a share link may unpack to.
const MAX_LINK_BYTES: usize = 4 << 20;
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

    /// The workspace to start with: the share link in the address, else (unless `embedded`,
    /// which shows only what its address holds) the saved one, else `fallback`; and what to
    /// tell the user about the link. A link never destroys the saved workspace: it is kept
    /// aside, restorable.
    pub fn restore(fallback: &Example, embedded: bool) -> (Self, Option<LinkNotice>) {
        let saved = || if embedded { None } else { from_storage() };
        let hash = web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default();
        let (workspace, notice) = match Workspace::from_fragment_text(&hash) {
            Ok(Some(shared)) => {
                let displaced = saved().filter(|s| *s != shared);
                let notice = LinkNotice::Opened {
                    can_restore: !embedded && displaced.is_some(),
                };
                if let (Some(previous), false) = (displaced, embedded) {
                    keep_previous(&previous);
                }
                (Some(shared), Some(notice))
            }
            Ok(None) => (saved(), None),
            Err(problem) => (saved(), Some(LinkNotice::Broken(problem))),
        };
        let workspace = workspace.unwrap_or_else(|| Workspace::from_example(fallback));
        (workspace, notice)
    }

    /// The saved workspace a share link displaced, if any.
    pub fn previous() -> Option<Self> {
        let text = local_storage()?.get_item(PREVIOUS_KEY).ok()??;
        serde_json::from_str(&text).ok()
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

    /// Read a workspace back from a fragment made by [`Workspace::to_fragment`]: `None`
    /// when the fragment holds no workspace, and why when it holds a damaged one.
    pub fn from_fragment_text(fragment: &str) -> Result<Option<Self>, String> {
        let Some(encoded) = fragment.strip_prefix(FRAGMENT_PREFIX) else {
            return Ok(None);
        };
        let packed = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| "its text is not what Share writes (was it cut or altered?)".to_owned())?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_LINK_BYTES)
            .map_err(|e| match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                    format!("it unpacks to more than {} MB", MAX_LINK_BYTES >> 20)
                }
                _ => "it is truncated or damaged".to_owned(),
            })?;
        serde_json::from_slice(&json)
            .map(Some)
            .map_err(|e| format!("it does not hold a workspace ({e})"))
    }
}

/// What the user is told about the share link the page was opened with.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkNotice {
    /// A shared workspace is shown; the saved one can be restored when there was one.
    Opened {
        /// A different saved workspace was kept aside.
        can_restore: bool,
    },
    /// The link is damaged: the saved workspace is shown, untouched.
    Broken(String),
}

/// Keep `previous` aside before the shared workspace is saved over it.
fn keep_previous(previous: &Workspace) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(previous)) {
        let _ = storage.set_item(PREVIOUS_KEY, &text);
    }
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn from_storage() -> Option<Workspace> {
    let text = local_storage()?.get_item(STORAGE_KEY).ok()??;
    serde_json::from_str(&text).ok()
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
        assert_eq!(
            Workspace::from_fragment_text(&fragment),
            Ok(Some(workspace))
        );
        assert_eq!(Workspace::from_fragment_text("#section"), Ok(None));
        let damaged = |fragment: &str| Workspace::from_fragment_text(fragment).unwrap_err();
        assert!(damaged("#w=not-base64!").contains("not what Share writes"));
        // Cut where base64 still decodes, so what is left is a truncated stream.
        let cut = 3 + (fragment.len() - 3) / 8 * 4;
        assert!(damaged(&fragment[..cut]).contains("truncated"));
        // A small link that unpacks to more than the limit.
        let bomb = miniz_oxide::deflate::compress_to_vec(&vec![b' '; MAX_LINK_BYTES + 1], 9);
        let bomb = format!(
            "{FRAGMENT_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bomb)
        );
        assert!(
            damaged(&bomb).contains("more than 4 MB"),
            "{}",
            damaged(&bomb)
        );
        let not_a_workspace = miniz_oxide::deflate::compress_to_vec(b"[1, 2]", 9);
        let not_a_workspace = format!(
            "{FRAGMENT_PREFIX}{}",
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(not_a_workspace)
        );
        assert!(damaged(&not_a_workspace).contains("does not hold a workspace"));
    }
}
