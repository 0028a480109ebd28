//! "Did you mean …?": the known name closest to a misspelt one.

/// The known name closest to `word`: the same letters in another case, or at most two edits away
/// (and fewer edits than half the name's length, so short names do not match anything).
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase();
    let mut best: Option<(usize, &str)> = None;
    for k in known {
        let k_lower = k.to_ascii_lowercase();
        if k_lower == lower {
            return Some(k);
        }
        let d = edit_distance(&lower, &k_lower);
        if d <= 2 && d < k.len() / 2 + 1 && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, k));
        }
    }
    best.map(|(_, k)| k)
}

/// Levenshtein distance.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            current.push(
                (previous[j] + cost)
                    .min(previous[j + 1] + 1)
                    .min(current[j] + 1),
            );
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let known = ["imagePullPolicy", "image", "name"];
        assert_eq!(closest("imagePullPolcy", known), Some("imagePullPolicy"));
        assert_eq!(closest("IMAGE", known), Some("image"));
        assert_eq!(closest("replicas", known), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
