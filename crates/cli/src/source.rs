//! Where a command's definition comes from: a definition file (JSON or YAML), or one state
//! machine of a SAM or CloudFormation template.

use std::collections::BTreeMap;
use std::path::Path;

use stepwise_asl::template::{import, is_template};
use stepwise_asl::MachineType;

use crate::validate::read_text;

/// A definition, and what its template says about it.
pub struct Source {
    /// The definition's text.
    pub text: String,
    /// Values of its `${Name}` placeholders from the template.
    pub substitutions: BTreeMap<String, String>,
    /// STANDARD or EXPRESS, when a template says.
    pub machine_type: Option<MachineType>,
    /// What the template gets wrong for deployment: (code, message).
    pub findings: Vec<(&'static str, String)>,
}

/// Read the definition at `path`; `resource` picks the state machine of a template.
pub fn read(path: &str, resource: Option<&str>) -> Result<Source, String> {
    let text = read_text(path)?;
    if !is_template(&text) {
        if let Some(resource) = resource {
            return Err(format!(
                "--resource {resource}: {path} is a definition, not a template"
            ));
        }
        return Ok(Source {
            text,
            substitutions: BTreeMap::new(),
            machine_type: None,
            findings: Vec::new(),
        });
    }
    let dir = Path::new(path).parent().unwrap_or(Path::new("."));
    let read_beside = |relative: &str| read_text(&dir.join(relative).to_string_lossy());
    let imported = import(&text, resource, &read_beside).map_err(|e| format!("{path}: {e}"))?;
    Ok(Source {
        text: imported.definition,
        substitutions: imported.substitutions,
        machine_type: Some(imported.machine_type),
        findings: imported.findings,
    })
}
