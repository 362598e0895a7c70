//! What a Task's `Resource` must look like before AWS accepts it.

/// Why `resource` is not a resource AWS would accept, if it is not.
pub fn problem(resource: &str) -> Option<String> {
    if let Some(at) = unclosed_placeholder(resource) {
        return Some(format!(
            "The placeholder starting at character {} of \"{resource}\" is never closed with '}}'",
            at + 1
        ));
    }
    if resource.starts_with("${") {
        // Filled in by DefinitionSubstitutions at deployment.
        return None;
    }
    if !resource.starts_with("arn:") {
        return Some(format!(
            "The resource provided {resource} is not recognized. The value is not a valid resource ARN."
        ));
    }
    lambda_problem(resource)
}

/// The byte offset of a `${` with no `}` after it.
fn unclosed_placeholder(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|i| i + from) {
        match text[start..].find('}') {
            Some(len) => from = start + len + 1,
            None => return Some(start),
        }
    }
    None
}

/// A Lambda function ARN: `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`,
/// where the qualifier is a version number, `$LATEST`, or an alias name.
fn lambda_problem(resource: &str) -> Option<String> {
    let parts: Vec<&str> = resource.split(':').collect();
    if parts.get(2) != Some(&"lambda") || parts.get(5) != Some(&"function") {
        return None;
    }
    let name_ok = |s: &str| {
        (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if parts.len() < 7 || parts[6].contains("${") {
        return None;
    }
    if !name_ok(parts[6]) {
        return Some(format!(
            "The resource provided {resource} is not recognized: \"{}\" is not a valid function name",
            parts[6]
        ));
    }
    let qualifier = match parts.get(7) {
        None => return None,
        Some(q) if parts.len() == 8 => *q,
        Some(_) => {
            return Some(format!(
                "The resource provided {resource} is not recognized: a function ARN has at most one qualifier"
            ))
        }
    };
    let version = !qualifier.is_empty() && qualifier.bytes().all(|b| b.is_ascii_digit());
    let alias = name_ok(qualifier) && qualifier.len() <= 128;
    if version || alias || qualifier == "$LATEST" {
        None
    } else {
        Some(format!(
            "The resource provided {resource} is not recognized: \"{qualifier}\" is not a valid version or alias qualifier"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepts_what_aws_accepts() {
        for ok in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:lambda:us-east-1:123456789012:function:fn",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:7",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:$LATEST",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:live-2",
            "${ValidateOrderFunction}",
            "arn:aws:lambda:${AWS::Region}:123456789012:function:fn",
        ] {
            assert_eq!(problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn rejects_malformed_resources() {
        for bad in [
            "lambda",
            "${Unclosed",
            "arn:aws:lambda:us-east-1:123456789012:function:${Name",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:v1.2",
            "arn:aws:lambda:us-east-1:123456789012:function:fn:1:2",
            "arn:aws:lambda:us-east-1:123456789012:function:f.n",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
