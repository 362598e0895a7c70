//! JSON syntax colouring for the editor: the text split into classed pieces.

/// A run of text and the CSS class it is drawn with.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// Byte offset of the piece.
    pub start: usize,
    /// The text.
    pub text: String,
    /// `key`, `string`, `number`, `literal`, `punct` or `plain`.
    pub class: &'static str,
}

/// Split `text` into coloured pieces (lenient: it colours broken JSON too).
pub fn pieces(text: &str) -> Vec<Piece> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut plain_start = 0;
    let flush = |out: &mut Vec<Piece>, from: usize, to: usize| {
        if to > from {
            out.push(Piece {
                start: from,
                text: text[from..to].to_owned(),
                class: "plain",
            });
        }
    };
    while i < bytes.len() {
        let (class, end) = match bytes[i] {
            b'"' => {
                let mut j = i + 1;
                while j < bytes.len() && bytes[j] != b'"' && bytes[j] != b'\n' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                let end = (j + 1).min(bytes.len());
                let rest = text[end..].trim_start_matches([' ', '\t']);
                (
                    if rest.starts_with(':') {
                        "key"
                    } else {
                        "string"
                    },
                    end,
                )
            }
            b'-' | b'0'..=b'9' => {
                let mut j = i + 1;
                while j < bytes.len()
                    && matches!(bytes[j], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    j += 1;
                }
                ("number", j)
            }
            b't' | b'f' | b'n' => {
                let word = ["true", "false", "null"]
                    .into_iter()
                    .find(|w| text[i..].starts_with(w));
                match word {
                    Some(w) => ("literal", i + w.len()),
                    None => {
                        i += 1;
                        continue;
                    }
                }
            }
            b'{' | b'}' | b'[' | b']' | b':' | b',' => ("punct", i + 1),
            _ => {
                i += text[i..].chars().next().map_or(1, char::len_utf8);
                continue;
            }
        };
        let end = end.min(bytes.len());
        // Keep pieces on character boundaries even in broken text.
        let end = (end..=bytes.len())
            .find(|&e| text.is_char_boundary(e))
            .unwrap_or(bytes.len());
        flush(&mut out, plain_start, i);
        out.push(Piece {
            start: i,
            text: text[i..end].to_owned(),
            class,
        });
        i = end;
        plain_start = end;
    }
    flush(&mut out, plain_start, bytes.len());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[wasm_bindgen_test::wasm_bindgen_test]
    fn classes_keys_strings_numbers_and_literals() {
        let classes: Vec<(&str, &str)> = pieces(r#"{"a": "b", "n": -1.5, "t": true}"#)
            .iter()
            .filter(|p| p.class != "plain" && p.class != "punct")
            .map(|p| {
                (
                    p.class,
                    &r#"{"a": "b", "n": -1.5, "t": true}"#[p.start..p.start + p.text.len()],
                )
            })
            .collect();
        assert_eq!(
            classes,
            [
                ("key", "\"a\""),
                ("string", "\"b\""),
                ("key", "\"n\""),
                ("number", "-1.5"),
                ("key", "\"t\""),
                ("literal", "true")
            ]
        );
        let text = "{\"é\": \"unterminated\n}";
        assert_eq!(
            pieces(text)
                .iter()
                .map(|p| p.text.as_str())
                .collect::<String>(),
            text
        );
    }
}
