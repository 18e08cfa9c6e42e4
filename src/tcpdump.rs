//! Reading what `tcpdump -A` and `tcpdump -X` print: packet header lines, each followed by the packet (IP
//! and TCP headers included) as text or as hex rows. The TCP payloads of each direction of a connection are
//! put back together, and the directions that start with an HTTP request are returned for `capture` to parse.
//!
//! `-X` (and `-x`, `-XX`) rows hold every byte in hex, so the request comes back exact. `-A` text is lossy:
//! tcpdump drops a carriage return before a line feed and prints every other byte it cannot show as `.`.
//! Headers survive that (HTTP/1.1 reads LF line endings); a body survives when it is printable ASCII without
//! carriage returns, which a JSON webhook usually is. Pure: text in, bytes out.

/// The payload bytes of one direction of a TCP connection that starts with an HTTP request.
#[derive(Debug)]
pub struct Stream {
    /// `127.0.0.1.48298 > 127.0.0.1.18787`, as tcpdump names the direction.
    pub flow: String,
    pub bytes: Vec<u8>,
    /// Read from `-A` text: carriage returns before line feeds are gone and unprintable bytes are dots.
    pub lossy: bool,
}

/// The methods a request line may start with: `-A` text puts the TCP header's last bytes right before the
/// method, so the method is matched against these rather than read as "the letters before the space".
const METHODS: [&str; 7] = ["OPTIONS", "DELETE", "PATCH", "POST", "HEAD", "GET", "PUT"];

/// Whether the text is tcpdump output: its first line (after tcpdump's own `listening on …` lines) is a
/// packet header line.
pub fn looks_like(bytes: &[u8]) -> bool {
    // Only the first lines are looked at: a raw HTTP capture may be a large body.
    let mut lines = lines(bytes).filter(|line| !is_chatter(line) && !line.is_empty());
    let Some(first) = lines.next() else { return false };
    match lines.next().and_then(|second| join_verbose(first, second)) {
        Some(joined) => header(&joined).is_some(),
        None => header(first).is_some(),
    }
}

/// The directions of the captured connections that start with an HTTP request, in the order they began.
pub fn streams(bytes: &[u8]) -> Result<Vec<Stream>, String> {
    let mut flows: Vec<Flow> = Vec::new();
    for packet in packets(bytes) {
        let packet = packet?;
        if packet.header.length == 0 {
            continue;
        }
        let index = match flows.iter().position(|f| f.flow == packet.header.flow) {
            Some(index) => index,
            None => {
                flows.push(Flow::new(packet.header.flow.clone()));
                flows.len() - 1
            }
        };
        flows[index].add(&packet)?;
    }
    let streams: Vec<Stream> = flows
        .into_iter()
        .filter(|f| f.start == Start::Request)
        .map(|f| Stream { flow: f.flow, bytes: f.bytes, lossy: f.lossy })
        .collect();
    if streams.is_empty() {
        return Err("no HTTP request in this tcpdump output: capture the receiving port with -s0 and -X (or -A) \
            before the request is sent"
            .into());
    }
    Ok(streams)
}

/// A packet header line, as far as reassembly needs it.
#[derive(Debug)]
struct Header {
    flow: String,
    /// The TCP payload length.
    length: usize,
    /// `seq A:B` (relative unless -S), to drop retransmitted segments.
    seq: Option<(u64, u64)>,
    /// The line, for errors.
    line: String,
}

struct Packet {
    header: Header,
    /// The lines under the header line.
    body: Vec<Vec<u8>>,
}

/// `19:10:21.164165 IP 127.0.0.1.48298 > 127.0.0.1.18787: Flags [P.], seq 1:577, ack 1, …, length 576`
/// (any -t timestamp form, `IP6`, `-i any`'s interface column). Not TCP (no `Flags [`): `None`.
fn header(line: &[u8]) -> Option<Header> {
    let line = std::str::from_utf8(line).ok()?;
    if !(line.starts_with(|c: char| c.is_ascii_digit()) || line.starts_with("IP")) {
        return None;
    }
    let ip = [" IP6 ", " IP "].iter().find_map(|token| line.find(token).map(|at| at + token.len()));
    let ip = ip.or_else(|| ["IP6 ", "IP "].iter().find(|t| line.starts_with(**t)).map(|t| t.len()))?;
    let mut rest = &line[ip..];
    // -v: `(tos 0x0, ttl 64, …, proto TCP (6), length 628)` before the addresses.
    if rest.starts_with('(') {
        let mut depth = 0;
        let close = rest.char_indices().find_map(|(at, c)| {
            depth += match c {
                '(' => 1,
                ')' => -1,
                _ => 0,
            };
            (depth == 0).then_some(at)
        })?;
        rest = rest[close + 1..].trim_start();
    }
    let colon = rest.find(": ")?;
    let flow = &rest[..colon];
    if !flow.contains(" > ") {
        return None;
    }
    let tcp = &rest[colon..];
    let flags = tcp.find("Flags [")?;
    let tcp = &tcp[flags..];
    let after = |label: &str, also: char| -> Option<&str> {
        let at = tcp.find(label)? + label.len();
        let text = &tcp[at..];
        Some(&text[..text.find(|c: char| !(c.is_ascii_digit() || c == also)).unwrap_or(text.len())])
    };
    let length = after(", length ", '0')?.parse().ok()?;
    let seq = after(", seq ", ':').and_then(|s| {
        let (a, b) = s.split_once(':')?;
        Some((a.parse().ok()?, b.parse().ok()?))
    });
    Some(Header { flow: flow.to_owned(), length, seq, line: line.to_owned() })
}

/// Lines tcpdump writes to stderr that end up in a file made with `2>&1`.
fn is_chatter(line: &[u8]) -> bool {
    let line = String::from_utf8_lossy(line);
    line.starts_with("tcpdump: ")
        || line.starts_with("listening on ")
        || ["packets captured", "packets received by filter", "packets dropped by kernel"]
            .iter()
            .any(|tail| line.ends_with(tail) && line.starts_with(|c: char| c.is_ascii_digit()))
}

/// The lines of the text (LF or CRLF), without the empty one after a final line break.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    bytes.split(|b| *b == b'\n').map(|line| line.strip_suffix(b"\r").unwrap_or(line))
}

/// The lines, with -v's two-line packet headers made one.
fn joined_lines(bytes: &[u8]) -> Vec<std::borrow::Cow<'_, [u8]>> {
    let mut joined: Vec<std::borrow::Cow<'_, [u8]>> = Vec::new();
    for line in lines(bytes).filter(|line| !is_chatter(line)) {
        if let Some(last) = joined.last_mut()
            && let Some(one) = join_verbose(last, line)
        {
            *last = one.into();
            continue;
        }
        joined.push(line.into());
    }
    joined
}

/// -v writes a packet's header on two lines: `… IP (tos …, length 628)`, then the addresses indented.
fn join_verbose(first: &[u8], second: &[u8]) -> Option<Vec<u8>> {
    let continues = second.starts_with(b"    ") && second.trim_ascii_start().first().is_some_and(u8::is_ascii_digit);
    let verbose = first.ends_with(b")") && (contains(first, b" IP (") || contains(first, b" IP6 ("));
    (continues && verbose).then(|| [first, b" ", second.trim_ascii_start()].concat())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn packets(bytes: &[u8]) -> impl Iterator<Item = Result<Packet, String>> + '_ {
    let mut lines = joined_lines(bytes).into_iter().peekable();
    // Lines before the first header line (a partial packet where the capture was cut) are not a packet.
    while lines.peek().is_some_and(|line| header(line).is_none()) {
        lines.next();
    }
    std::iter::from_fn(move || {
        let line = lines.next()?;
        let Some(header) = header(&line) else {
            return Some(Err("a tcpdump packet header line was expected".into()));
        };
        let mut body = Vec::new();
        while let Some(next) = lines.peek() {
            if header_or_other_packet(next) {
                break;
            }
            body.push(next.to_vec());
            lines.next();
        }
        Some(Ok(Packet { header, body }))
    })
}

/// A line that starts a packet: a TCP header line, or another protocol's (`… IP … UDP, length 40`).
fn header_or_other_packet(line: &[u8]) -> bool {
    if header(line).is_some() {
        return true;
    }
    let text = String::from_utf8_lossy(line);
    let stamp = text.split(' ').next().unwrap_or_default();
    let is_stamp = stamp.len() >= 8 && stamp.chars().all(|c| c.is_ascii_digit() || c == ':' || c == '.');
    is_stamp && (text.contains(" IP ") || text.contains(" IP6 ") || text.contains(" ARP"))
}

/// Where a direction's payload starts.
#[derive(Debug, PartialEq, Eq)]
enum Start {
    /// No payload seen yet.
    Unknown,
    /// With an HTTP request line.
    Request,
    /// With something else (an answer, or a capture begun mid-request): not returned.
    Other,
}

struct Flow {
    flow: String,
    start: Start,
    bytes: Vec<u8>,
    lossy: bool,
    /// In `-A` text: how many characters the IP and TCP headers take before each payload.
    headers_len: usize,
    next_seq: Option<u64>,
}

impl Flow {
    fn new(flow: String) -> Self {
        Self { flow, start: Start::Unknown, bytes: Vec::new(), lossy: false, headers_len: 0, next_seq: None }
    }

    fn add(&mut self, packet: &Packet) -> Result<(), String> {
        if self.start == Start::Other {
            return Ok(());
        }
        // A retransmitted segment carries bytes already taken.
        if let Some((from, to)) = packet.header.seq {
            if self.next_seq.is_some_and(|next| from < next) {
                return Ok(());
            }
            self.next_seq = Some(to);
        }
        let bytes = match hex_rows(&packet.body) {
            Some(bytes) => bytes.map_err(|e| format!("{}: {e}", short(&packet.header.line)))?,
            None => {
                self.lossy = true;
                return self.add_text(packet);
            }
        };
        let payload = tcp_payload(&bytes).map_err(|e| format!("{}: {e}", short(&packet.header.line)))?;
        if self.start == Start::Unknown {
            self.start = if request_line_at(payload, 0) { Start::Request } else { Start::Other };
        }
        if self.start == Start::Request {
            self.bytes.extend_from_slice(payload);
        }
        Ok(())
    }

    /// `-A`: the packet as text, IP and TCP headers first. The first payload of a direction is found by its
    /// request line, which also tells how long the headers are; later payloads come after as many characters.
    fn add_text(&mut self, packet: &Packet) -> Result<(), String> {
        let text = packet.body.join(&b'\n');
        if self.start == Start::Unknown {
            match (0..text.len()).find(|at| request_line_at(&text, *at)) {
                Some(at) => {
                    self.start = Start::Request;
                    self.headers_len = at;
                }
                None => {
                    self.start = Start::Other;
                    return Ok(());
                }
            }
        }
        let payload = text.get(self.headers_len..).unwrap_or_default();
        // tcpdump -A drops a carriage return before each line feed (and at the very end): the text is at most
        // the payload's length, and short of it by no more than that.
        let length = packet.header.length;
        let breaks = payload.iter().filter(|b| **b == b'\n').count();
        if payload.len() > length || payload.len() + breaks + 1 < length {
            return Err(format!(
                "{}: in tcpdump -A text this packet's headers cannot be told from its payload; capture with -X, \
                 which keeps every byte",
                short(&packet.header.line)
            ));
        }
        self.bytes.extend_from_slice(payload);
        Ok(())
    }
}

/// Whether an HTTP/1 request line (`POST /path HTTP/1.1`, then a line break) starts at `at`.
fn request_line_at(text: &[u8], at: usize) -> bool {
    let rest = &text[at..];
    let Some(method) = METHODS.iter().find(|m| rest.starts_with(m.as_bytes())) else { return false };
    let rest = &rest[method.len()..];
    let Some(target) = rest.strip_prefix(b" ") else { return false };
    let line = &target[..target.iter().position(|b| *b == b'\n').unwrap_or(target.len())];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(space) = line.iter().position(|b| *b == b' ') else { return false };
    let (path, version) = line.split_at(space);
    !path.is_empty()
        && (path[0] == b'/' || path[0] == b'*' || path.starts_with(b"http"))
        && { matches!(version, b" HTTP/1.1" | b" HTTP/1.0") }
        && target.len() > line.len()
}

/// The bytes of `-X`/`-x` hex rows (`\t0x0010:  7f00 0001 bcaa …  ascii`); `None` when the lines are not
/// hex rows (the packet is `-A` text).
fn hex_rows(lines: &[Vec<u8>]) -> Option<Result<Vec<u8>, String>> {
    let first = lines.first()?;
    row_offset(first)?;
    let mut bytes = Vec::new();
    for line in lines {
        let Some((offset, hex)) = row_offset(line) else {
            return Some(Err("a hex row of tcpdump -X was expected".into()));
        };
        if offset != bytes.len() {
            return Some(Err(format!("the hex rows skip from byte {} to {offset}", bytes.len())));
        }
        // The hex column is 40 characters (eight groups of ` xxxx`); the printable column after it may look
        // like hex too, so it is never read.
        let column = &hex[..hex.len().min(40)];
        for group in column.split(|b| *b == b' ').filter(|g| !g.is_empty()) {
            let Ok(decoded) = hex::decode(group) else {
                return Some(Err(format!("`{}` in a hex row is not hex", String::from_utf8_lossy(group))));
            };
            bytes.extend(decoded);
        }
    }
    Some(Ok(bytes))
}

/// `\t0x0010: ` → (16, what follows the colon and its space).
fn row_offset(line: &[u8]) -> Option<(usize, &[u8])> {
    let line = line.trim_ascii_start();
    let rest = line.strip_prefix(b"0x")?;
    let colon = rest.iter().position(|b| *b == b':')?;
    let offset = usize::from_str_radix(std::str::from_utf8(&rest[..colon]).ok()?, 16).ok()?;
    let after = &rest[colon + 1..];
    Some((offset, after.strip_prefix(b" ").unwrap_or(after)))
}

/// The TCP payload of a packet: after its IP and TCP headers (and a link-level header, with -XX).
fn tcp_payload(packet: &[u8]) -> Result<&[u8], String> {
    let short = || "the packet is shorter than its headers (captured with a small -s?)".to_owned();
    let ip = match packet.first().map(|b| b >> 4) {
        Some(4 | 6) => packet,
        // -XX: Ethernet (type at 12) or Linux cooked capture (type at 14), IPv4 0x0800 or IPv6 0x86dd.
        _ => match (packet.get(12..14), packet.get(14..16)) {
            (Some([0x08, 0x00] | [0x86, 0xdd]), _) => &packet[14..],
            (_, Some([0x08, 0x00] | [0x86, 0xdd])) => &packet[16..],
            _ => return Err("not an IP packet (a link-level header this reader does not know)".into()),
        },
    };
    let (header_len, end, protocol) = match ip.first().ok_or_else(short)? >> 4 {
        4 => {
            let total = usize::from(u16::from_be_bytes([*ip.get(2).ok_or_else(short)?, *ip.get(3).ok_or_else(short)?]));
            (usize::from(ip[0] & 0x0f) * 4, total, *ip.get(9).ok_or_else(short)?)
        }
        _ => {
            let payload =
                usize::from(u16::from_be_bytes([*ip.get(4).ok_or_else(short)?, *ip.get(5).ok_or_else(short)?]));
            (40, 40 + payload, *ip.get(6).ok_or_else(short)?)
        }
    };
    if protocol != 6 {
        return Err("not a TCP packet (IPv6 extension headers are not read)".into());
    }
    let tcp = ip.get(header_len..).ok_or_else(short)?;
    let offset = usize::from(tcp.get(12).ok_or_else(short)? >> 4) * 4;
    // Up to the IP length: Ethernet pads short frames. A shorter capture keeps what it has, and the request's
    // Content-Length then says what is missing.
    let end = end.saturating_sub(header_len).min(tcp.len());
    tcp.get(offset..end.max(offset)).ok_or_else(short)
}

/// A header line's start, for errors: `19:10:21.164165 IP 127.0.0.1.48298 > 127.0.0.1.18787`.
fn short(line: &str) -> String {
    line.split(": Flags").next().unwrap_or(line).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_lines_in_every_timestamp_form() {
        let line = b"19:10:21.164165 IP 127.0.0.1.48298 > 127.0.0.1.18787: Flags [P.], seq 1:577, ack 1, win 64, options [nop,nop,TS val 1 ecr 2], length 576";
        let parsed = header(line).expect("a header line");
        assert_eq!(
            (parsed.flow.as_str(), parsed.length, parsed.seq),
            ("127.0.0.1.48298 > 127.0.0.1.18787", 576, Some((1, 577)))
        );
        let any = b"2026-11-30 19:10:21.164165 lo    In  IP6 ::1.5 > ::1.80: Flags [.], ack 1, win 64, length 0: HTTP";
        assert_eq!(header(any).expect("-tttt, -i any").length, 0);
        assert!(header(b"IP a.1 > b.2: Flags [S], seq 1, win 5, length 0").is_some(), "-t");
        let verbose = join_verbose(
            b"19:27:09.7 IP (tos 0x0, ttl 64, id 26167, offset 0, flags [DF], proto TCP (6), length 267)",
            b"    127.0.0.1.42950 > 127.0.0.1.18787: Flags [P.], cksum 0xfeff, seq 1:216, ack 1, length 215",
        )
        .expect("-v's two lines");
        let parsed = header(&verbose).expect("one header");
        assert_eq!((parsed.flow.as_str(), parsed.length), ("127.0.0.1.42950 > 127.0.0.1.18787", 215));
        assert!(header(b"19:10:21.1 IP a.1 > b.2: UDP, length 40").is_none(), "not TCP");
        assert!(header(b"POST /webhooks/payvost HTTP/1.1").is_none());
    }

    #[test]
    fn request_lines_are_found_after_header_bytes() {
        let text = b"E..tl.@.@.......\n..ov.cPPOST /webhooks/payvost HTTP/1.1\nhost: x\n";
        let at = (0..text.len()).find(|at| request_line_at(text, *at)).expect("found");
        assert_eq!(&text[at..at + 4], b"POST");
        assert!(!request_line_at(b"HTTP/1.1 200 OK\n", 0));
        assert!(!request_line_at(b"POST /a HTTP/1.1", 0), "the line must be complete");
    }

    #[test]
    fn hex_rows_skip_the_printable_column() {
        let rows = vec![
            b"\t0x0000:  4500 0034 6ced 4000 4006 cfd4 7f00 0001  E..4l.@.@.......".to_vec(),
            b"\t0x0010:  dead beef 01                             dead beef".to_vec(),
        ];
        let bytes = hex_rows(&rows).expect("hex rows").expect("valid");
        assert_eq!(bytes.len(), 21);
        assert_eq!(&bytes[16..], &[0xde, 0xad, 0xbe, 0xef, 0x01]);
        let gap = vec![rows[0].clone(), b"\t0x0020:  01".to_vec()];
        assert!(hex_rows(&gap).expect("hex rows").is_err());
    }

    #[test]
    fn random_text_never_panics() {
        let seeds: [&[u8]; 2] = [
            b"19:10:21.1 IP a.1 > b.2: Flags [P.], seq 1:5, ack 1, length 4\n\t0x0000:  4500 002c 0000 4000 4006 0000 7f00 0001\n\t0x0010:  7f00 0001 0001 0002 0000 0000 0000 0000\n\t0x0020:  5018 0000 0000 0000 504f 5354\n",
            b"19:10:21.1 IP a.1 > b.2: Flags [P.], seq 1:40, ack 1, length 39\nE..4..\n..POST /a HTTP/1.1\nX: 1\n\n{}\n",
        ];
        crate::mutate::mutations(&seeds, 20_000, |bytes| {
            let _ = streams(bytes);
        });
    }
}
