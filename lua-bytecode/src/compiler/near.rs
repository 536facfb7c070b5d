//! The "near" token of a compile-time error (`... near 'a254'`), found by
//! rescanning the source, since the AST keeps no tokens.
//!
//! PUC-Rio reports the lexer's current token when the error is raised. For
//! the only error the compiler raises itself ("function or expression needs
//! too many registers") that is the token just after the one following the
//! expression being placed in a register (the separator or operator has
//! already been read), or the token right after a prefix expression about to
//! be indexed or called. The compiler records which (a source position and
//! how many tokens to skip) and [`near_token`] finds the text.

/// The token `skip` tokens after byte `pos` of `src`, rendered as PUC-Rio
/// renders it after "near" (`'text'` or `<eof>`), and its line.
pub(crate) fn near_token(src: &[u8], pos: usize, skip: u8) -> (String, u32) {
    let mut i = pos.min(src.len());
    for _ in 0..skip {
        i = skip_space(src, i);
        i = token_end(src, i);
    }
    i = skip_space(src, i);
    let line = 1 + src[..i].iter().filter(|&&c| c == b'\n').count() as u32;
    if i >= src.len() {
        return ("<eof>".to_string(), line);
    }
    let end = token_end(src, i);
    let text = String::from_utf8_lossy(&src[i..end]).into_owned();
    (format!("'{text}'"), line)
}

fn skip_space(src: &[u8], mut i: usize) -> usize {
    loop {
        while i < src.len() && src[i].is_ascii_whitespace() {
            i += 1;
        }
        if src[i..].starts_with(b"--") {
            i += 2;
            if let Some(end) = long_bracket_end(src, i) {
                i = end;
            } else {
                while i < src.len() && src[i] != b'\n' {
                    i += 1;
                }
            }
        } else {
            return i;
        }
    }
}

/// If a long bracket `[==[` starts at `i`, the position after its closing
/// bracket (or the end of the source).
fn long_bracket_end(src: &[u8], i: usize) -> Option<usize> {
    if src.get(i) != Some(&b'[') {
        return None;
    }
    let mut j = i + 1;
    while src.get(j) == Some(&b'=') {
        j += 1;
    }
    if src.get(j) != Some(&b'[') {
        return None;
    }
    let level = j - i - 1;
    let mut close = vec![b']'];
    close.extend(std::iter::repeat_n(b'=', level));
    close.push(b']');
    let body = j + 1;
    Some(
        src[body..]
            .windows(close.len())
            .position(|w| w == close.as_slice())
            .map_or(src.len(), |p| body + p + close.len()),
    )
}

fn token_end(src: &[u8], i: usize) -> usize {
    let Some(&c) = src.get(i) else {
        return i;
    };
    let mut j = i + 1;
    if c.is_ascii_alphabetic() || c == b'_' {
        while j < src.len() && (src[j].is_ascii_alphanumeric() || src[j] == b'_') {
            j += 1;
        }
        return j;
    }
    if c.is_ascii_digit() || (c == b'.' && src.get(j).is_some_and(u8::is_ascii_digit)) {
        while j < src.len() {
            let d = src[j];
            let exp_sign =
                (d == b'+' || d == b'-') && matches!(src[j - 1], b'e' | b'E' | b'p' | b'P');
            if d.is_ascii_alphanumeric() || d == b'.' || exp_sign {
                j += 1;
            } else {
                break;
            }
        }
        return j;
    }
    if c == b'"' || c == b'\'' {
        while j < src.len() && src[j] != c && src[j] != b'\n' {
            j += if src[j] == b'\\' { 2 } else { 1 };
        }
        return (j + 1).min(src.len());
    }
    if let Some(end) = long_bracket_end(src, i) {
        return end;
    }
    for sym in [
        &b"..."[..],
        b"..",
        b"==",
        b"~=",
        b"<=",
        b">=",
        b"//",
        b"::",
        b"<<",
        b">>",
    ] {
        if src[i..].starts_with(sym) {
            return i + sym.len();
        }
    }
    j
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_tokens() {
        let src = b"f(a, b .. c) -- x\n  [==[s]==] 1.5e+3 'q\\'q' ...";
        assert_eq!(near_token(src, 3, 1).0, "'b'");
        assert_eq!(near_token(src, 6, 0).0, "'..'");
        assert_eq!(near_token(src, 12, 0), ("'[==[s]==]'".to_string(), 2));
        assert_eq!(near_token(src, 12, 1).0, "'1.5e+3'");
        assert_eq!(near_token(src, 12, 2).0, "''q\\'q''");
        assert_eq!(near_token(src, 12, 3).0, "'...'");
        assert_eq!(near_token(src, 12, 4).0, "<eof>");
    }
}
