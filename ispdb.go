package mailsettings

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The ISPDB layer (ispdb_gen.go) is not Go composite literals but one
// string constant, ispdbData, decoded when the table is first built: the
// literals compiled to about 140 KB of machine code, the string costs its
// bytes. internal/ispdbgen writes the encoding; decodeISPDB reads it.
//
// The encoding is text, one line per provider, each line ended by "\n".
// A line holds up to ispdbFields fields separated by "\t"; trailing empty
// fields are left out. The fields, in order:
//
//  1. ID, starting with "ispdb:"; Source is derived from it: "Thunderbird
//     ISPDB FILE.xml", FILE being the ID without the prefix, up to a "/"
//  2. Name, not empty
//  3. Domains, separated by " ", at least one
//  4. Endpoints, separated by " ", at least one, each "PEU:HOST:PORT":
//     P is the protocol (i IMAP, p POP3, s SMTP), E the encryption
//     (t ImplicitTLS, s STARTTLS, p Plaintext), U the username form
//     (a address, l local part, d local part.domain); an empty HOST is
//     the previous endpoint's host; PORT is decimal, 1 to 65535
//  5. DocURL
//  6. Notes, separated by " ": "p" is the plaintext note, "eURL" the
//     note to switch access on at URL
//  7. SettingsURL
//  8. Password: empty for PasswordUnknown, else the text form
//     ([PasswordKind.MarshalText])
//  9. IMAPID: empty or "1"
//  10. OAuth2 issuer; empty means no OAuth2, and then fields 11 to 13
//     must be empty too
//  11. OAuth2 scopes, separated by " "
//  12. OAuth2 AuthURL
//  13. OAuth2 TokenURL
//
// Strings in the result are substrings of the data, so decoding copies no
// text except Source.

// ispdbFields is the number of fields of a line of the ISPDB encoding.
const ispdbFields = 13

// ispdbIDPrefix starts every ISPDB provider id.
const ispdbIDPrefix = "ispdb:"

// The one-letter codes of endpoint tokens; a code's index plus one is the
// value of the enumeration.
const (
	ispdbProtocolCodes   = "ips" // IMAP, POP3, SMTP
	ispdbEncryptionCodes = "tsp" // ImplicitTLS, STARTTLS, Plaintext
	ispdbUsernameCodes   = "ald" // address, local part, local part.domain
)

// decodeISPDB decodes the ISPDB encoding described above. It fails, and
// returns no provider, if any line is malformed; it never panics.
func decodeISPDB(data string) ([]ProviderInfo, error) {
	out := make([]ProviderInfo, 0, strings.Count(data, "\n"))
	for n := 1; data != ""; n++ {
		line, rest, ok := strings.Cut(data, "\n")
		if !ok {
			return nil, fmt.Errorf("mailsettings: ISPDB data line %d: no final newline", n)
		}
		data = rest
		info, err := decodeISPDBLine(line)
		if err != nil {
			return nil, fmt.Errorf("mailsettings: ISPDB data line %d: %w", n, err)
		}
		out = append(out, info)
	}
	return out, nil
}

func decodeISPDBLine(line string) (ProviderInfo, error) {
	var f [ispdbFields]string
	more := true
	for i := range f {
		if !more {
			break
		}
		f[i], line, more = strings.Cut(line, "\t")
	}
	if more {
		return ProviderInfo{}, errors.New("too many fields")
	}
	id := f[0]
	file, ok := strings.CutPrefix(id, ispdbIDPrefix)
	file, _, _ = strings.Cut(file, "/")
	if !ok || file == "" {
		return ProviderInfo{}, fmt.Errorf("id %q lacks the %q prefix or a file name", id, ispdbIDPrefix)
	}
	info := ProviderInfo{
		ID:          id,
		Name:        f[1],
		DocURL:      f[4],
		SettingsURL: f[6],
		Source:      "Thunderbird ISPDB " + file + ".xml",
	}
	if info.Name == "" {
		return ProviderInfo{}, fmt.Errorf("%s: no name", id)
	}
	var err error
	if info.Domains, err = splitList(f[2]); err != nil || len(info.Domains) == 0 {
		return ProviderInfo{}, fmt.Errorf("%s: bad domain list %q", id, f[2])
	}
	if info.Endpoints, err = decodeEndpoints(f[3]); err != nil {
		return ProviderInfo{}, fmt.Errorf("%s: %w", id, err)
	}
	notes, err := splitList(f[5])
	if err != nil {
		return ProviderInfo{}, fmt.Errorf("%s: bad note list %q", id, f[5])
	}
	for _, n := range notes {
		switch {
		case n == "p":
			info.Notes = append(info.Notes, plaintextNote())
		case n[0] == 'e':
			info.Notes = append(info.Notes, enableNote(n[1:]))
		default:
			return ProviderInfo{}, fmt.Errorf("%s: bad note %q", id, n)
		}
	}
	if f[7] != "" {
		k, ok := passwordFromText(f[7])
		if !ok {
			return ProviderInfo{}, fmt.Errorf("%s: bad password kind %q", id, f[7])
		}
		info.Password = k
	}
	switch f[8] {
	case "":
	case "1":
		info.IMAPID = true
	default:
		return ProviderInfo{}, fmt.Errorf("%s: bad IMAP ID flag %q", id, f[8])
	}
	if f[9] != "" {
		o := &OAuth2{Issuer: f[9], AuthURL: f[11], TokenURL: f[12]}
		if o.Scopes, err = splitList(f[10]); err != nil {
			return ProviderInfo{}, fmt.Errorf("%s: bad scope list %q", id, f[10])
		}
		info.OAuth2 = o
	} else if f[10] != "" || f[11] != "" || f[12] != "" {
		return ProviderInfo{}, fmt.Errorf("%s: OAuth2 fields without an issuer", id)
	}
	return info, nil
}

// splitList splits a list separated by single spaces. An empty list is
// nil; an empty item is an error.
func splitList(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	out := make([]string, 0, strings.Count(s, " ")+1)
	for more := true; more; {
		var item string
		item, s, more = strings.Cut(s, " ")
		if item == "" {
			return nil, errors.New("empty item")
		}
		out = append(out, item)
	}
	return out, nil
}

// decodeEndpoints decodes a list of endpoint tokens.
func decodeEndpoints(s string) ([]ServerEndpoint, error) {
	tokens, err := splitList(s)
	if err != nil || len(tokens) == 0 {
		return nil, fmt.Errorf("bad endpoint list %q", s)
	}
	out := make([]ServerEndpoint, len(tokens))
	host := ""
	for i, tok := range tokens {
		if len(tok) < 4 || tok[3] != ':' {
			return nil, fmt.Errorf("bad endpoint %q", tok)
		}
		p := strings.IndexByte(ispdbProtocolCodes, tok[0])
		e := strings.IndexByte(ispdbEncryptionCodes, tok[1])
		u := strings.IndexByte(ispdbUsernameCodes, tok[2])
		h, port, ok := strings.Cut(tok[4:], ":")
		if h != "" {
			host = h
		}
		n, err := strconv.ParseUint(port, 10, 16)
		if p < 0 || e < 0 || u < 0 || !ok || host == "" || err != nil || n == 0 {
			return nil, fmt.Errorf("bad endpoint %q", tok)
		}
		out[i] = ServerEndpoint{
			Protocol: Protocol(p + 1), Host: host, Port: uint16(n),
			Encryption: Encryption(e + 1), Username: UsernameForm(u + 1),
		}
	}
	return out, nil
}

// passwordFromText returns the password kind whose text form is s;
// PasswordUnknown has none here (it is the empty field).
func passwordFromText(s string) (PasswordKind, bool) {
	for k := PasswordAccount; int(k) < len(passwordEnum.texts); k++ {
		if passwordEnum.texts[k] == s {
			return k, true
		}
	}
	return 0, false
}
