//! One validating pass over a JSON text, building nothing: it checks the grammar (RFC 8259,
//! strictly), counts the values, bounds the nesting, and notes where the text is not what
//! `JSON.stringify` would write for the value it stands for (white space, numbers not in their
//! shortest form, escapes JavaScript would not write, repeated member names), so that
//! records can be echoed as their own text everywhere else.
//!
//! Hand-written: serde_json and the SIMD parsers validate, but none says where a text is not
//! canonical, nor counts values before building them.

use std::ops::Range;

/// What a scan found.
#[derive(Debug, Default)]
pub struct Scanned {
    /// JSON values in the text (scalars, arrays and objects).
    pub values: u64,
    /// Deepest nesting of arrays and objects.
    pub depth: u32,
    /// Byte ranges that `JSON.stringify` would write otherwise, in order, merged; `None` when
    /// there were too many to keep (treat the whole text as not canonical).
    pub noncanonical: Option<Vec<Range<u32>>>,
    /// The containers of at least [`Limits::indexed`] bytes, in the order they start: reading
    /// a record then jumps to its end instead of scanning it again, and searches its text for
    /// a member only when the name may be there.
    pub ends: Vec<Noted>,
    /// Whether an object names a member twice (`JSON.parse` keeps one: such text is read,
    /// not echoed).
    pub repeated: bool,
}

/// A large container the scan noted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Noted {
    /// Where it starts (its bracket).
    pub start: u32,
    /// Just after its closing bracket.
    pub end: u32,
    /// For an object, a filter of its member names as written ([`name_bit`] of each; all
    /// bits when it has too many to say); for an array, all bits.
    pub names: u64,
}

/// The bit of a member name (its text between the quotes, as written) in a filter of names.
#[inline]
pub fn name_bit(name: &[u8]) -> u64 {
    1 << (name_hash(name) % 64)
}

/// A cheap hash of a name (the scan computes one for every member): its length, first and
/// middle bytes. Filters built with it only say where a name is not; a name sharing its bit
/// with another is searched for in the text.
#[inline]
fn name_hash(name: &[u8]) -> usize {
    let byte = |i: usize| usize::from(name.get(i).copied().unwrap_or(0));
    (name.len() * 31 + byte(0) * 7 + byte(name.len() / 2)) % 128
}

impl Scanned {
    /// Whether the text in `range` is what `JSON.stringify` writes for it.
    pub fn canonical(&self, range: Range<usize>) -> bool {
        let Some(regions) = &self.noncanonical else {
            return false;
        };
        // The first region ending after the range starts is the only one that may overlap.
        let i = regions.partition_point(|r| (r.end as usize) <= range.start);
        regions
            .get(i)
            .is_none_or(|r| (r.start as usize) >= range.end)
    }

    /// Where the container starting at `start` ends, when it was large enough to be noted.
    pub fn end_of(&self, start: usize) -> Option<usize> {
        self.noted(start).map(|n| n.end as usize)
    }

    /// The container starting at `start`, when it was large enough to be noted.
    pub fn noted(&self, start: usize) -> Option<&Noted> {
        let i = self.ends.partition_point(|n| (n.start as usize) < start);
        self.ends.get(i).filter(|n| n.start as usize == start)
    }

    /// As [`Scanned::noted`], looking first at entry `next` and leaving there the entry after
    /// the one found: reading the records of a page in order then costs no search.
    pub fn noted_from(&self, start: usize, next: &mut usize) -> Option<&Noted> {
        let i = match self.ends.get(*next) {
            Some(n) if n.start as usize == start => *next,
            _ => self.ends.partition_point(|n| (n.start as usize) < start),
        };
        let found = self.ends.get(i).filter(|n| n.start as usize == start);
        if found.is_some() {
            *next = i + 1;
        }
        found
    }
}

/// Why a text is not JSON: what, and the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    /// Where, in bytes from the start.
    pub offset: usize,
    /// What was wrong.
    pub message: &'static str,
}

/// Limits a scan enforces.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Deepest nesting accepted.
    pub depth: u32,
    /// Most non-canonical ranges kept before giving up on them.
    pub regions: usize,
    /// Containers at least this long are noted (one entry of 16 bytes per such container: at
    /// most an eighth of the text's length).
    pub indexed: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 256,
            regions: 4096,
            indexed: 128,
        }
    }
}

/// The names of an open object, to find one given twice.
struct Names<'a> {
    /// Where its names start in `Scanner::keys`.
    first: usize,
    /// A filter of the names seen: [`name_hash`], two words.
    taken: [u64; 2],
    /// Every name, once there are many.
    set: Option<std::collections::HashSet<&'a [u8]>>,
    /// Too many names to keep: the object is taken to repeat one (read, not echoed), so
    /// that checking costs no memory proportional to a hostile object's size.
    unchecked: bool,
}

/// Names of one object checked for repeats; past them the object is taken to repeat one.
const CHECKED_NAMES: usize = 4096;

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
    limits: Limits,
    out: Scanned,
    regions: Vec<Range<u32>>,
    regions_full: bool,
    /// Per open object: where its keys start in `keys`, and which hash bits are taken.
    objects: Vec<Names<'a>>,
    /// Keys of the open objects: (start, end) of each key's text.
    keys: Vec<(u32, u32)>,
    /// Open containers: whether an object, and where it starts.
    stack: Vec<(bool, u32)>,
}

/// Scans `bytes` as one JSON value with white space around it, checking that it is UTF-8
/// (strings are the only place bytes above 0x7F may be: each such run is checked).
pub fn scan(bytes: &[u8], limits: Limits) -> Result<Scanned, ScanError> {
    let mut s = Scanner {
        bytes,
        at: 0,
        limits,
        out: Scanned::default(),
        regions: Vec::new(),
        regions_full: false,
        // Sized for the records integrator.io sends, so that a one-record body's scan grows
        // none of them: each growth is a `realloc`, which takes the allocator arena's lock
        // (no thread cache in front of it), and with both workers busy that lock was most of
        // the server's `futex` calls on one-record calls (perf record on sys_enter_futex).
        // No more than the text could need: a short one (a single value) allocates little.
        objects: Vec::with_capacity(8.min(bytes.len() / 2)),
        keys: Vec::with_capacity(64.min(bytes.len() / 4)),
        stack: Vec::with_capacity(16.min(bytes.len() / 2)),
    };
    s.run()?;
    s.out.noncanonical = (!s.regions_full).then_some(s.regions);
    Ok(s.out)
}

impl Scanner<'_> {
    fn error<T>(&self, message: &'static str) -> Result<T, ScanError> {
        Err(ScanError {
            offset: self.at,
            message,
        })
    }

    fn note(&mut self, range: Range<usize>) {
        if self.regions_full {
            return;
        }
        let range = range.start as u32..range.end as u32;
        if let Some(last) = self.regions.last_mut() {
            if range.start <= last.end {
                last.end = last.end.max(range.end);
                return;
            }
        }
        if self.regions.len() >= self.limits.regions {
            self.regions_full = true;
            self.regions = Vec::new();
            return;
        }
        self.regions.push(range);
    }

    /// Skips white space; any is not canonical (outside the top level).
    #[inline]
    fn space(&mut self) {
        let start = self.at;
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.at) {
            self.at += 1;
        }
        if self.at > start && !self.stack.is_empty() {
            self.note(start..self.at);
        }
    }

    /// Past any white space at `at` (noted inside a value).
    #[inline(always)]
    fn skip_space(&mut self, at: usize) -> usize {
        match self.bytes.get(at) {
            Some(b' ' | b'\n' | b'\r' | b'\t') => self.spaces(at),
            _ => at,
        }
    }

    /// White space at `at`, skipped and noted: out of line, as canonical text has none.
    #[cold]
    #[inline(never)]
    fn spaces(&mut self, at: usize) -> usize {
        self.at = at;
        self.space();
        self.at
    }

    /// The grammar walk. The position lives in a local, not in `self`, so that it stays in a
    /// register: each token's place depends on the one before, and a store and reload of it
    /// on that chain measured a tenth of the scan.
    fn run(&mut self) -> Result<(), ScanError> {
        let bytes = self.bytes;
        let mut at = 0;
        // Top-level white space is not part of any value.
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
            at += 1;
        }
        let mut values = 0u64;
        // Whether the innermost open container is an object.
        let mut object = false;
        macro_rules! fail {
            ($message:expr) => {{
                self.at = at;
                return self.error($message);
            }};
        }
        'value: loop {
            // A value starts here.
            values += 1;
            match bytes.get(at) {
                Some(b'"') => at = self.string_at(at)?,
                Some(&open @ (b'{' | b'[')) => {
                    object = open == b'{';
                    self.at = at;
                    self.open(object)?;
                    at = self.skip_space(at + 1);
                    // `}` and `]` are two past `{` and `[`.
                    if bytes.get(at) == Some(&(open + 2)) {
                        at += 1;
                        self.at = at;
                        object = self.close();
                    } else {
                        if object {
                            at = self.key_at(at)?;
                        }
                        continue 'value;
                    }
                }
                Some(b'-' | b'0'..=b'9') => at = self.number(at)?,
                Some(b't') => at = self.literal(at, b"true")?,
                Some(b'f') => at = self.literal(at, b"false")?,
                Some(b'n') => at = self.literal(at, b"null")?,
                Some(_) => fail!("expected a value"),
                None => fail!("unexpected end of the text, expected a value"),
            }
            // After a value: a separator, a close, or the end.
            loop {
                if self.stack.is_empty() {
                    while let Some(b' ' | b'\n' | b'\r' | b'\t') = bytes.get(at) {
                        at += 1;
                    }
                    self.out.values = values;
                    if at == bytes.len() {
                        return Ok(());
                    }
                    fail!("trailing characters after the value");
                }
                at = self.skip_space(at);
                match (bytes.get(at), object) {
                    (Some(b','), true) => {
                        at = self.skip_space(at + 1);
                        at = self.key_at(at)?;
                        continue 'value;
                    }
                    (Some(b','), false) => {
                        at = self.skip_space(at + 1);
                        continue 'value;
                    }
                    (Some(b'}'), true) | (Some(b']'), false) => {
                        at += 1;
                        self.at = at;
                        object = self.close();
                    }
                    (None, _) => fail!("unexpected end of the text"),
                    (Some(_), true) => fail!("expected `,` or `}`"),
                    (Some(_), false) => fail!("expected `,` or `]`"),
                }
            }
        }
    }

    fn open(&mut self, object: bool) -> Result<(), ScanError> {
        if self.stack.len() as u32 >= self.limits.depth {
            return self.error("nested too deeply");
        }
        self.stack.push((object, self.at as u32));
        self.out.depth = self.out.depth.max(self.stack.len() as u32);
        if object {
            self.objects.push(Names {
                first: self.keys.len(),
                taken: [0; 2],
                set: None,
                unchecked: false,
            });
        }
        Ok(())
    }

    /// After a container's closing bracket; whether the container around it is an object.
    fn close(&mut self) -> bool {
        let Some((object, start)) = self.stack.pop() else {
            return false;
        };
        let mut names = u64::MAX;
        if object {
            if let Some(closed) = self.objects.pop() {
                self.keys.truncate(closed.first);
                if closed.set.is_none() && !closed.unchecked {
                    // Both words folded: a name's bit modulo 64 is set when it is there.
                    names = closed.taken[0] | closed.taken[1];
                }
            }
        }
        if self.at - start as usize >= self.limits.indexed {
            let noted = Noted {
                start,
                end: self.at as u32,
                names,
            };
            match self.out.ends.last() {
                // The elements of a page close in order: appended.
                Some(last) if last.start > start => {
                    // Closed after the containers inside it: kept in the order of the starts.
                    let i = self.out.ends.partition_point(|n| n.start < start);
                    self.out.ends.insert(i, noted);
                }
                _ => self.out.ends.push(noted),
            }
        }
        matches!(self.stack.last(), Some(&(true, _)))
    }

    /// A member name and its colon at `at`; where its value starts. A name given twice makes
    /// the object not canonical.
    #[inline(always)]
    fn key_at(&mut self, at: usize) -> Result<usize, ScanError> {
        if self.bytes.get(at) != Some(&b'"') {
            self.at = at;
            return self.error("expected a member name");
        }
        let start = at;
        let end = self.string_at(at)?;
        self.name(start, end)?;
        let at = self.skip_space(end);
        if self.bytes.get(at) != Some(&b':') {
            self.at = at;
            return self.error("expected `:`");
        }
        Ok(self.skip_space(at + 1))
    }

    /// A member name, checked against the others of its object.
    #[inline(always)]
    fn name(&mut self, start: usize, end: usize) -> Result<(), ScanError> {
        let bytes = self.bytes;
        let name = &bytes[start..end];
        // Keys are only read inside objects.
        let Some(names) = self.objects.last_mut() else {
            self.at = start;
            return self.error("expected a value");
        };
        let repeated = match &mut names.set {
            _ if names.unchecked => false,
            Some(set) if set.len() >= CHECKED_NAMES => {
                names.unchecked = true;
                names.set = None;
                self.keys.truncate(names.first);
                true
            }
            Some(set) => !set.insert(name),
            None => {
                // Few names: a 128-bit filter, and a look at the earlier names on a hit.
                let hash = name_hash(&name[1..name.len() - 1]);
                let (word, bit) = (hash / 64, 1u64 << (hash % 64));
                let seen = names.taken[word] & bit != 0;
                names.taken[word] |= bit;
                let earlier = &self.keys[names.first..];
                let repeated = seen
                    && earlier
                        .iter()
                        .any(|&(s, e)| &bytes[s as usize..e as usize] == name);
                // Many names would make that quadratic: a set from here on.
                if earlier.len() >= 64 {
                    let mut set: std::collections::HashSet<&[u8]> = earlier
                        .iter()
                        .map(|&(s, e)| &bytes[s as usize..e as usize])
                        .collect();
                    set.insert(name);
                    names.set = Some(set);
                }
                repeated
            }
        };
        let keep = !names.unchecked;
        if repeated {
            self.out.repeated = true;
            // `JSON.parse` keeps one member of the name: the record holding it is read
            // whole instead of echoed.
            self.note(start..end);
        }
        if keep {
            self.keys.push((start as u32, end as u32));
        }
        Ok(())
    }

    /// `true`, `false` or `null` at `at`; where it ends.
    #[inline(always)]
    fn literal(&mut self, at: usize, word: &'static [u8]) -> Result<usize, ScanError> {
        if self.bytes[at..].starts_with(word) {
            Ok(at + word.len())
        } else {
            self.at = at;
            self.error("expected `true`, `false` or `null`")
        }
    }

    /// A string at its opening quote `at`; where it ends.
    #[inline(always)]
    fn string_at(&mut self, at: usize) -> Result<usize, ScanError> {
        // Most strings of a page (member names, ids, dates, e-mail addresses) are short,
        // ASCII and unescaped: one look at the 32 bytes after the quote (two loads issued
        // together) settles them without the general loop, whose call costs more than the look.
        #[cfg(target_arch = "x86_64")]
        if let Some(chunk) = self.bytes.get(at + 1..at + 33) {
            let (s0, q0, a0) = sse2::quote_marks(chunk.as_ptr());
            let (s1, q1, a1) = sse2::quote_marks(chunk[16..].as_ptr());
            let (stop, quote, above) = (s0 | s1 << 16, q0 | q1 << 16, a0 | a1 << 16);
            // The first stop is a quote, with no byte above 0x7F before it: told from the
            // masks alone, with no second read of the text on the scan's critical path.
            let first = stop & stop.wrapping_neg();
            if first & quote != 0 && above & first.wrapping_sub(1) == 0 {
                return Ok(at + first.trailing_zeros() as usize + 2);
            }
        }
        self.at = at;
        self.any_string()?;
        Ok(self.at)
    }

    /// A string at its opening quote, whatever it holds.
    #[inline(never)]
    fn any_string(&mut self) -> Result<(), ScanError> {
        let start = self.at;
        self.at += 1;
        let mut canonical = true;
        loop {
            let run = self.bytes.get(self.at..).unwrap_or_default();
            let (n, high) = plain_run_marked(run);
            if high {
                // The only place a JSON text may hold bytes above 0x7F: checked here, so
                // that an ASCII run is looked at once.
                if let Err(e) = std::str::from_utf8(&run[..n]) {
                    self.at += e.valid_up_to();
                    return self.error("the text is not valid UTF-8");
                }
            }
            self.at += n;
            match self.bytes.get(self.at) {
                Some(b'"') => {
                    self.at += 1;
                    break;
                }
                Some(b'\\') => canonical &= self.escape()?,
                Some(_) => return self.error("control character in a string"),
                None => return self.error("unterminated string"),
            }
        }
        if !canonical {
            self.note(start..self.at);
        }
        Ok(())
    }

    /// One escape at `\`; whether `JSON.stringify` writes the character this way.
    fn escape(&mut self) -> Result<bool, ScanError> {
        let Some(&e) = self.bytes.get(self.at + 1) else {
            return self.error("unterminated string");
        };
        self.at += 2;
        match e {
            b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Ok(true),
            b'/' => Ok(false),
            b'u' => {
                let (unit, lower) = self.hex4()?;
                if (0xD800..0xDC00).contains(&unit) {
                    // A high surrogate: a pair is written as its character, a lone one escaped.
                    if self.bytes[self.at..].starts_with(b"\\u") {
                        let mark = self.at;
                        self.at += 2;
                        let (low, _) = self.hex4()?;
                        if (0xDC00..0xE000).contains(&low) {
                            return Ok(false);
                        }
                        self.at = mark;
                    }
                    Ok(lower)
                } else if (0xDC00..0xE000).contains(&unit) {
                    Ok(lower)
                } else {
                    // Control characters without a short form are written `\u00xx`.
                    Ok(lower && unit < 0x20 && !matches!(unit, 0x08 | 0x09 | 0x0A | 0x0C | 0x0D))
                }
            }
            _ => {
                self.at -= 1;
                self.error("invalid escape")
            }
        }
    }

    fn hex4(&mut self) -> Result<(u32, bool), ScanError> {
        let Some(digits) = self.bytes.get(self.at..self.at + 4) else {
            return self.error("unterminated `\\u` escape");
        };
        let mut unit = 0;
        let mut lower = true;
        for &d in digits {
            let v = match d {
                b'0'..=b'9' => d - b'0',
                b'a'..=b'f' => d - b'a' + 10,
                b'A'..=b'F' => {
                    lower = false;
                    d - b'A' + 10
                }
                _ => return self.error("invalid `\\u` escape"),
            };
            unit = unit * 16 + u32::from(v);
        }
        self.at += 4;
        Ok((unit, lower))
    }

    /// A number; canonical when `Number.prototype.toString` would write it the same way:
    /// no exponent, no redundant zero, at most 15 significant digits, within 1e-6..1e21.
    #[inline(always)]
    fn number(&mut self, start: usize) -> Result<usize, ScanError> {
        let bytes = self.bytes;
        let mut at = start;
        let negative = bytes[at] == b'-';
        if negative {
            at += 1;
        }
        let int_start = at;
        match bytes.get(at) {
            Some(b'0') => at += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = bytes.get(at) {
                    at += 1;
                }
            }
            _ => {
                self.at = at;
                return self.error("invalid number");
            }
        }
        let int_digits = at - int_start;
        let mut canonical = true;
        let mut fraction_digits = 0;
        let mut leading_fraction_zeros = 0;
        if bytes.get(at) == Some(&b'.') {
            at += 1;
            let fraction_start = at;
            while let Some(b'0'..=b'9') = bytes.get(at) {
                at += 1;
            }
            fraction_digits = at - fraction_start;
            if fraction_digits == 0 {
                self.at = at;
                return self.error("invalid number");
            }
            let fraction = &bytes[fraction_start..at];
            canonical &= fraction[fraction_digits - 1] != b'0';
            leading_fraction_zeros = fraction.iter().take_while(|&&d| d == b'0').count();
        }
        if let Some(b'e' | b'E') = bytes.get(at) {
            canonical = false;
            at += 1;
            if let Some(b'+' | b'-') = bytes.get(at) {
                at += 1;
            }
            let exponent_start = at;
            while let Some(b'0'..=b'9') = bytes.get(at) {
                at += 1;
            }
            if at == exponent_start {
                self.at = at;
                return self.error("invalid number");
            }
        }
        if canonical {
            let zero_int = bytes[int_start] == b'0';
            let significant = if zero_int {
                fraction_digits - leading_fraction_zeros
            } else {
                int_digits + fraction_digits
            };
            canonical = significant <= 15
                && !(zero_int && fraction_digits == 0 && negative)
                && !(zero_int && leading_fraction_zeros > 5)
                && int_digits <= 21;
        }
        if !canonical {
            self.note(start..at);
        }
        Ok(at)
    }
}

/// In the text of an object the scan found canonical (no white space anywhere), the first
/// member whose name is written as `name`: where its name starts (its quote) and where its
/// value is. A name written with an escape is not `name` as written: `None` with `true`, for
/// the caller to read the text otherwise.
///
/// Hand-written for the lookup a function makes on every record of a page: the walk keeps
/// its place in a register and trusts the scan (no white space, no grammar to check), where
/// the general decoder checks both at every token.
pub(crate) fn find_canonical(text: &[u8], name: &[u8]) -> (Option<(usize, Range<usize>)>, bool) {
    let mut at = 1;
    if text.get(at) != Some(&b'"') {
        return (None, false);
    }
    loop {
        let Some((end, escaped)) = string_end(text, at) else {
            return (None, false);
        };
        if escaped {
            return (None, true);
        }
        // `end` is just past the name's closing quote, at its colon.
        let value = end + 1;
        let Some(value_end) = value_end(text, value) else {
            return (None, false);
        };
        if text.get(at + 1..end - 1) == Some(name) {
            return (Some((at, value..value_end)), false);
        }
        match text.get(value_end) {
            Some(b',') => at = value_end + 1,
            _ => return (None, false),
        }
    }
}

/// Just past the string whose opening quote is at `at`, in checked text; whether it holds an
/// escape.
#[inline]
pub(crate) fn string_end(text: &[u8], at: usize) -> Option<(usize, bool)> {
    #[cfg(target_arch = "x86_64")]
    if let Some(chunk) = text.get(at + 1..at + 17) {
        let (stop, quote, _) = sse2::quote_marks(chunk.as_ptr());
        let first = stop & stop.wrapping_neg();
        if first & quote != 0 {
            return Some((at + first.trailing_zeros() as usize + 2, false));
        }
    }
    let mut at = at + 1;
    let mut escaped = false;
    loop {
        at += plain_run(text.get(at..)?);
        match text.get(at)? {
            b'"' => return Some((at + 1, escaped)),
            b'\\' => {
                escaped = true;
                at += 2;
            }
            // A control character: not in checked text.
            _ => return None,
        }
    }
}

/// Just past the value starting at `at`, in checked canonical text.
fn value_end(text: &[u8], at: usize) -> Option<usize> {
    match text.get(at)? {
        b'"' => string_end(text, at).map(|(end, _)| end),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut at = at;
            loop {
                match text.get(at)? {
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(at + 1);
                        }
                    }
                    b'"' => {
                        at = string_end(text, at)?.0;
                        continue;
                    }
                    _ => {}
                }
                at += 1;
            }
        }
        _ => {
            let rest = text.get(at..)?;
            Some(at + rest.iter().position(|b| matches!(b, b',' | b'}' | b']'))?)
        }
    }
}

/// How many bytes from the start of `bytes` need no attention inside a string: no `"`, no
/// `\\`, no control character.
#[inline]
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    plain_run_marked(bytes).0
}

/// [`plain_run`], and whether the run holds a byte above 0x7F (so that only such runs need
/// their UTF-8 checked: the rest of a JSON text is ASCII or not JSON).
///
/// Hand-written: memchr finds up to three bytes, not a range (the control characters), and
/// the strings of a page are mostly short, where a call to a general search costs more than
/// the search. On x86_64, 16 bytes at a time with SSE2 (part of the architecture, no
/// detection needed): one pass for every length, measured 10 % less CPU for the kit's large
/// page than eight bytes at a time plus memchr for long strings.
#[inline]
pub(crate) fn plain_run_marked(bytes: &[u8]) -> (usize, bool) {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::plain_run(bytes)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable_plain_run(bytes)
    }
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };

    /// Bit `i` set for each byte `i` of `chunk` that ends a run, and for each above 0x7F.
    #[inline(always)]
    pub(super) fn marks(chunk: *const u8) -> (u32, u32) {
        let (stop, _, above) = quote_marks(chunk);
        (stop, above)
    }

    /// [`marks`], with the quotes on their own: (stops, quotes, bytes above 0x7F).
    #[inline(always)]
    pub(super) fn quote_marks(chunk: *const u8) -> (u32, u32, u32) {
        // SAFETY: SSE2 is part of x86_64; the callers pass a pointer to 16 readable bytes,
        // and the load has no alignment requirement.
        unsafe {
            let v: __m128i = _mm_loadu_si128(chunk.cast());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // max(v, 0x1F) == 0x1F exactly where v <= 0x1F, unsigned.
            let low = _mm_set1_epi8(0x1F);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, low), low);
            let stop = _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control));
            (
                stop as u32,
                _mm_movemask_epi8(quote) as u32,
                _mm_movemask_epi8(v) as u32,
            )
        }
    }

    #[inline]
    pub(super) fn plain_run(bytes: &[u8]) -> (usize, bool) {
        let mut at = 0;
        let mut high = 0;
        while at + 16 <= bytes.len() {
            let (stop, above) = marks(bytes[at..at + 16].as_ptr());
            if stop != 0 {
                let n = stop.trailing_zeros();
                high |= above & ((1 << n) - 1);
                return (at + n as usize, high != 0);
            }
            high |= above;
            at += 16;
        }
        // The last few bytes, in a block padded with a quote: the run ends at their end at
        // the latest (measured faster than eight or one byte at a time for them).
        let rest = &bytes[at..];
        let mut block = [b'"'; 16];
        block[..rest.len()].copy_from_slice(rest);
        let (stop, above) = marks(block.as_ptr());
        let n = stop.trailing_zeros();
        high |= above & ((1 << n) - 1);
        (at + n as usize, high != 0)
    }
}

/// [`plain_run_marked`] without vector instructions: eight bytes at a time while strings are
/// short, then memchr.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
pub(crate) fn portable_plain_run(bytes: &[u8]) -> (usize, bool) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = 0;
    let mut high = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        if at >= 32 {
            break;
        }
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        let quote = word ^ (ONES * u64::from(b'"'));
        let backslash = word ^ (ONES * u64::from(b'\\'));
        let found = (quote.wrapping_sub(ONES) & !quote)
            | (backslash.wrapping_sub(ONES) & !backslash)
            | (word.wrapping_sub(ONES * 0x20) & !word);
        let found = found & HIGHS;
        if found != 0 {
            let n = (found.trailing_zeros() / 8) as usize;
            let before = bytes[at..at + n].iter().any(|&b| b > 0x7F);
            return (at + n, high != 0 || before);
        }
        high |= word & HIGHS;
        at += 8;
    }
    let rest = &bytes[at..];
    let run = if rest.len() < 8 {
        rest.iter()
            .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
            .unwrap_or(rest.len())
    } else {
        let run = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        match rest[..run].iter().copied().min() {
            Some(low) if low < 0x20 => rest.iter().position(|&b| b < 0x20).unwrap_or(run),
            _ => run,
        }
    };
    (at + run, high != 0 || !rest[..run].is_ascii())
}
