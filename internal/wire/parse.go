package wire

import (
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// maxCapabilities caps how many capabilities are kept from one response.
const maxCapabilities = 256

// maxWord caps the length of one capability word.
const maxWord = 64

// appendWords appends the space-separated words of s, sanitized, to caps.
func appendWords(caps []string, s string) []string {
	for w := range strings.FieldsSeq(s) {
		if len(caps) >= maxCapabilities {
			break
		}
		if w = sanitize.Word(w, maxWord); w != "" {
			caps = append(caps, w)
		}
	}
	return caps
}

// An imapGreeting is a parsed IMAP greeting.
type imapGreeting struct {
	status string   // "OK", "PREAUTH" or "BYE"; "" if the line is not a greeting
	caps   []string // from a [CAPABILITY ...] response code, or nil
	text   string   // the human-readable text
}

// parseIMAPGreeting parses an IMAP greeting line (RFC 9051 §7.1).
func parseIMAPGreeting(line string) imapGreeting {
	rest, ok := strings.CutPrefix(line, "* ")
	if !ok {
		return imapGreeting{}
	}
	word, rest, _ := strings.Cut(rest, " ")
	var g imapGreeting
	switch strings.ToUpper(word) {
	case "OK", "PREAUTH", "BYE":
		g.status = strings.ToUpper(word)
	default:
		return imapGreeting{}
	}
	code, text := parseRespCode(rest)
	if name, args, _ := strings.Cut(code, " "); strings.EqualFold(name, "CAPABILITY") {
		g.caps = appendWords([]string{}, args)
	}
	g.text = text
	return g
}

// parseRespCode splits "[CODE args] text" into "CODE args" and "text".
func parseRespCode(s string) (code, text string) {
	if !strings.HasPrefix(s, "[") {
		return "", s
	}
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return "", s
	}
	return s[1:end], strings.TrimPrefix(s[end+1:], " ")
}

// parseIMAPCapability returns the capabilities of an untagged CAPABILITY
// response line ("* CAPABILITY IMAP4rev1 STARTTLS"), and whether it is one.
func parseIMAPCapability(line string) ([]string, bool) {
	rest, ok := strings.CutPrefix(line, "* ")
	if !ok {
		return nil, false
	}
	word, args, _ := strings.Cut(rest, " ")
	if !strings.EqualFold(word, "CAPABILITY") {
		return nil, false
	}
	return appendWords([]string{}, args), true
}

// imapLiteral returns the size of the literal announced at the end of an
// IMAP line ("{12}" or "{12+}"), or -1.
func imapLiteral(line string) int {
	if !strings.HasSuffix(line, "}") {
		return -1
	}
	open := strings.LastIndexByte(line, '{')
	if open < 0 {
		return -1
	}
	num := strings.TrimSuffix(line[open+1:len(line)-1], "+")
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 || num == "" || num[0] == '+' || num[0] == '-' {
		return -1
	}
	return n
}

// imapTagged parses a tagged status line for tag: "a1 OK text". It returns
// the status ("OK", "NO" or "BAD") and the text, and ok=false if the line is
// not tagged with tag.
func imapTagged(line, tag string) (status, text string, ok bool) {
	rest, ok := strings.CutPrefix(line, tag+" ")
	if !ok {
		return "", "", false
	}
	word, text, _ := strings.Cut(rest, " ")
	return strings.ToUpper(word), text, true
}

// An smtpReply is a parsed SMTP reply (RFC 5321 §4.2).
type smtpReply struct {
	code  int
	lines []string // the text of each line, without the code
}

// text returns the reply's lines joined by spaces.
func (r smtpReply) text() string { return strings.Join(r.lines, " ") }

// parseSMTPLine parses one line of an SMTP reply. It returns the code, the
// text, and whether more lines follow ("250-").
func parseSMTPLine(line string) (code int, text string, more bool, ok bool) {
	if len(line) < 3 {
		return 0, "", false, false
	}
	for i := range 3 {
		if line[i] < '0' || line[i] > '9' {
			return 0, "", false, false
		}
	}
	if line[0] < '2' || line[0] > '5' {
		return 0, "", false, false
	}
	code = int(line[0]-'0')*100 + int(line[1]-'0')*10 + int(line[2]-'0')
	switch {
	case len(line) == 3:
		return code, "", false, true
	case line[3] == ' ':
		return code, line[4:], false, true
	case line[3] == '-':
		return code, line[4:], true, true
	}
	return 0, "", false, false
}

// smtpExtensions returns the EHLO keywords of a 250 reply (all lines but
// the first, which names the server) and the AUTH mechanisms among them.
func smtpExtensions(r smtpReply) (caps, auth []string) {
	caps = []string{}
	for i, l := range r.lines {
		if i == 0 {
			continue
		}
		if len(caps) >= maxCapabilities {
			break
		}
		words := appendWords(nil, l)
		if len(words) == 0 {
			continue
		}
		kw := strings.ToUpper(words[0])
		caps = append(caps, strings.Join(words, " "))
		if kw == "AUTH" {
			auth = appendUpper(auth, words[1:])
		} else if m, ok := strings.CutPrefix(kw, "AUTH="); ok && m != "" {
			// The pre-RFC 2554 form "AUTH=LOGIN PLAIN" still in use.
			auth = appendUpper(auth, append([]string{m}, words[1:]...))
		}
	}
	return caps, auth
}

// appendUpper appends the upper-cased words not already in dst.
func appendUpper(dst, words []string) []string {
	for _, w := range words {
		w = strings.ToUpper(w)
		if !containsFold(dst, w) {
			dst = append(dst, w)
		}
	}
	return dst
}

// imapAuthMechanisms returns the AUTH= mechanisms of an IMAP capability list.
func imapAuthMechanisms(caps []string) []string {
	var auth []string
	for _, c := range caps {
		if len(c) > 5 && strings.EqualFold(c[:5], "AUTH=") {
			auth = appendUpper(auth, []string{c[5:]})
		}
	}
	return auth
}

// pop3AuthMechanisms returns the mechanisms of a POP3 "SASL ..." capability.
func pop3AuthMechanisms(caps []string) []string {
	var auth []string
	for _, c := range caps {
		words := appendWords(nil, c)
		if len(words) > 0 && strings.EqualFold(words[0], "SASL") {
			auth = appendUpper(auth, words[1:])
		}
	}
	return auth
}

// hasCapability reports whether caps has name as its own word or as the
// first word of an entry, ignoring case.
func hasCapability(caps []string, name string) bool {
	for _, c := range caps {
		first, _, _ := strings.Cut(c, " ")
		if strings.EqualFold(first, name) {
			return true
		}
	}
	return false
}

// containsFold reports whether list has s, ignoring case.
func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// detectProtocol guesses which mail protocol a greeting line belongs to,
// or returns 0.
func detectProtocol(line string) Proto {
	switch {
	case strings.HasPrefix(line, "* OK"), strings.HasPrefix(line, "* PREAUTH"), strings.HasPrefix(line, "* BYE"):
		return IMAP
	case strings.HasPrefix(line, "+OK"), strings.HasPrefix(line, "-ERR"):
		return POP3
	}
	if code, _, _, ok := parseSMTPLine(line); ok && (code == 220 || code == 421 || code == 554) {
		return SMTP
	}
	return 0
}
