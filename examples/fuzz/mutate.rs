//! YAML mutations for the fuzz harness and the perturbation property test:
//! byte and line edits plus splices of YAML and number tokens that tend to
//! reach unusual parser and checker states.

#![allow(dead_code)]

/// Tokens spliced into inputs.
pub const DICTIONARY: &[&str] = &[
    ":",
    "- ",
    "  ",
    "\n",
    "#",
    "&a ",
    "*a",
    "<<: *a",
    "[",
    "]",
    "{",
    "}",
    "\"",
    "'",
    "|",
    ">",
    "!!str ",
    "!!binary ",
    "~",
    "null",
    "true",
    "0",
    "-0",
    "0.001",
    "1e309",
    "1,234.5",
    "１２",
    "99999999999999999999",
    "-1",
    "0x1F",
    ".inf",
    "\u{FEFF}",
    "\t",
    "\r\n",
    "code: \"2\"",
    "code: \"2080106\"",
    "year: 1",
    "year: 65536",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
];

/// A small deterministic PRNG (xorshift64*).
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Applies `edits` random edits to `text` (always valid UTF-8).
pub fn mutate(text: &str, seed: u64, edits: usize) -> String {
    let mut rng = Rng::new(seed);
    let mut s: Vec<char> = text.chars().collect();
    for _ in 0..edits {
        let at = rng.below(s.len() + 1);
        match rng.below(7) {
            0 if !s.is_empty() => {
                let end = (at + 1 + rng.below(8)).min(s.len());
                s.drain(at.min(s.len())..end);
            }
            1 => {
                let tok = DICTIONARY[rng.below(DICTIONARY.len())];
                s.splice(at..at, tok.chars());
            }
            2 if !s.is_empty() => {
                let i = rng.below(s.len());
                s[i] = char::from_u32(rng.below(0x3000) as u32 + 0x20).unwrap_or('x');
            }
            3 => edit_line(&mut s, &mut rng, |lines, i| {
                // Duplicate a line.
                let l = lines[i].clone();
                lines.insert(i, l);
            }),
            4 => edit_line(&mut s, &mut rng, |lines, i| {
                // Delete a line.
                lines.remove(i);
            }),
            5 => {
                // Change a line's indentation.
                let deeper = rng.below(2) == 0;
                edit_line(&mut s, &mut rng, |lines, i| {
                    lines[i] = if deeper { format!("  {}", lines[i]) } else { lines[i].trim_start().to_string() };
                })
            }
            _ => {
                // Replace a number with a hostile one.
                let tok = ["1e5", "1.234", "-5", "99999999999999999999999", "0.00", "1,54.7", "NaN"][rng.below(7)];
                let text: String = s.iter().collect();
                if let Some(pos) =
                    text.char_indices().filter(|(_, c)| c.is_ascii_digit()).map(|(i, _)| i).nth(rng.below(50))
                {
                    let start = text[..pos].chars().count();
                    let len = text[pos..].chars().take_while(|c| c.is_ascii_digit() || *c == '.').count();
                    s.splice(start..start + len, tok.chars());
                }
            }
        }
    }
    s.into_iter().collect()
}

/// Applies `f` to the lines of `s` at a random line index.
fn edit_line(s: &mut Vec<char>, rng: &mut Rng, f: impl FnOnce(&mut Vec<String>, usize)) {
    let mut lines: Vec<String> = s.iter().collect::<String>().lines().map(str::to_string).collect();
    if lines.is_empty() {
        return;
    }
    let i = rng.below(lines.len());
    f(&mut lines, i);
    *s = (lines.join("\n") + "\n").chars().collect();
}

/// A copy of `bytes` with a few bytes changed, inserted or cut off: a
/// damaged workbook.
pub fn mutate_bytes(bytes: &[u8], seed: u64) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let mut s = seed;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for _ in 0..1 + next() % 16 {
        if out.is_empty() {
            break;
        }
        let i = next() as usize % out.len();
        match next() % 4 {
            0 => out[i] ^= 1 << (next() % 8),
            1 => out[i] = next() as u8,
            2 => out.insert(i, next() as u8),
            _ => out.truncate(i.max(1)),
        }
    }
    out
}
