package mobileconfig

import (
	"bytes"
	"crypto/sha1"
	"encoding/xml"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// Bounds on text written into a profile, in bytes.
const maxText = 256

// uuidNamespace is the name-based UUID namespace of this package: the
// version 5 UUID of the URL
// "https://github.com/mailsettings/mailsettings/internal/mobileconfig" in
// the URL namespace of RFC 9562 §6.6 (6ba7b811-9dad-11d1-80b4-00c04fd430c8).
// TestUUIDNamespace derives it again.
const uuidNamespace = "8977201b-37ec-5114-987a-f62f2753b22e"

// UUID returns the PayloadUUID this package writes for role ("profile" for
// the whole profile, "mail" for the mail payload) of domain: the version 5
// (SHA-1, name-based) UUID of the name role + ":" + domain in the namespace
// uuidNamespace, in upper case as Apple's tools write UUIDs.
func UUID(domain, role string) string {
	ns, _ := parseUUID(uuidNamespace)
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(role + ":" + domain))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // RFC 9562 variant
	return strings.ToUpper(formatUUID(u))
}

func formatUUID(u [16]byte) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b.WriteByte('-')
		}
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func parseUUID(s string) ([16]byte, bool) {
	var u [16]byte
	s = strings.ReplaceAll(s, "-", "")
	if len(s) != 32 {
		return u, false
	}
	for i := range u {
		n, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return u, false
		}
		u[i] = byte(n)
	}
	return u, true
}

// Identifier returns the PayloadIdentifier of the profile for domain: the
// domain's labels in reverse order followed by ".mailsettings.email", such
// as "com.example.mailsettings.email"; the mail payload's identifier adds
// ".account".
func Identifier(domain string) string {
	labels := strings.Split(domain, ".")
	slices.Reverse(labels)
	return strings.Join(labels, ".") + ".mailsettings.email"
}

// Marshal returns the unsigned profile for p. It refuses, with an error
// wrapping ErrUnpublishable, a domain or host that is not a lower-case
// A-label name, a bad port, an unknown protocol, a TLS mode the UseSSL
// flags cannot express (see the package documentation), an invalid email
// address, and text with control or bidi characters or over 256 bytes.
func Marshal(p Profile) ([]byte, error) {
	fail := func(format string, a ...any) ([]byte, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrUnpublishable}, a...)...)
	}
	if h, err := hostname.Canonical(p.Domain, hostname.Server); err != nil || h != p.Domain {
		return fail("domain %q is not a lower-case A-label name", p.Domain)
	}
	var accountType string
	var inPorts []int
	switch p.IncomingProtocol {
	case IMAP:
		accountType, inPorts = "EmailTypeIMAP", []int{993, 143}
	case POP3:
		accountType, inPorts = "EmailTypePOP", []int{995, 110}
	default:
		return fail("IncomingProtocol must be IMAP or POP3")
	}
	if err := checkServer("incoming", p.Incoming, inPorts[0], inPorts[1]); err != nil {
		return nil, err
	}
	if err := checkServer("outgoing", p.Outgoing, 465, 587, 25); err != nil {
		return nil, err
	}
	if p.EmailAddress != "" {
		if a, err := address.Canonical(p.EmailAddress); err != nil || a != p.EmailAddress {
			return fail("EmailAddress %q is not a valid address with a lower-case domain", p.EmailAddress)
		}
	}
	description := p.Description
	if description == "" {
		description = p.Domain
	}
	for name, s := range map[string]string{
		"AccountName": p.AccountName, "Description": description, "Organization": p.Organization,
		"incoming Username": p.Incoming.Username, "outgoing Username": p.Outgoing.Username,
	} {
		if s != "" && (!sanitize.IsClean(s, maxText) || !xmlChars(s)) {
			return fail("%s has control or bidi characters, extra spaces, or is over %d bytes", name, maxText)
		}
	}

	id := Identifier(p.Domain)
	mail := dict{
		{"EmailAccountDescription", description},
		{"EmailAccountType", accountType},
		{"IncomingMailServerAuthentication", "EmailAuthPassword"},
		{"IncomingMailServerHostName", p.Incoming.Host},
		{"IncomingMailServerPortNumber", p.Incoming.Port},
		{"IncomingMailServerUseSSL", true},
		{"OutgoingMailServerAuthentication", "EmailAuthPassword"},
		{"OutgoingMailServerHostName", p.Outgoing.Host},
		{"OutgoingMailServerPortNumber", p.Outgoing.Port},
		{"OutgoingMailServerUseSSL", true},
		{"OutgoingPasswordSameAsIncomingPassword", true},
		{"PayloadDescription", "Configures the mail account."},
		{"PayloadDisplayName", description},
		{"PayloadIdentifier", id + ".account"},
		{"PayloadType", "com.apple.mail.managed"},
		{"PayloadUUID", UUID(p.Domain, "mail")},
		{"PayloadVersion", 1},
	}
	for _, kv := range []struct {
		k, v string
	}{
		{"EmailAccountName", p.AccountName},
		{"EmailAddress", p.EmailAddress},
		{"IncomingMailServerUsername", p.Incoming.Username},
		{"OutgoingMailServerUsername", p.Outgoing.Username},
	} {
		if kv.v != "" {
			mail = append(mail, pair{kv.k, kv.v})
		}
	}
	top := dict{
		{"PayloadContent", []dict{mail}},
		{"PayloadDescription", "Sets up the mail account for " + p.Domain + "."},
		{"PayloadDisplayName", description},
		{"PayloadIdentifier", id},
		{"PayloadRemovalDisallowed", false},
		{"PayloadType", "Configuration"},
		{"PayloadUUID", UUID(p.Domain, "profile")},
		{"PayloadVersion", 1},
	}
	if p.Organization != "" {
		top = append(top, pair{"PayloadOrganization", p.Organization})
	}

	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString(`<plist version="1.0">` + "\n")
	top.write(&b, 0)
	b.WriteString("</plist>\n")
	return b.Bytes(), nil
}

// MarshalSigned returns Marshal(p) signed by s. An error from s, or an
// empty result, gives an error wrapping ErrSign.
func MarshalSigned(p Profile, s Signer) ([]byte, error) {
	if s == nil {
		return nil, fmt.Errorf("%w: no Signer", ErrSign)
	}
	unsigned, err := Marshal(p)
	if err != nil {
		return nil, err
	}
	signed, err := s.Sign(unsigned)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSign, err)
	}
	if len(signed) == 0 {
		return nil, fmt.Errorf("%w: the Signer returned nothing", ErrSign)
	}
	return signed, nil
}

// checkServer refuses a server the profile cannot describe faithfully.
func checkServer(which string, s Server, implicitPort int, starttlsPorts ...int) error {
	if h, err := hostname.Canonical(s.Host, hostname.Server); err != nil || h != s.Host {
		return fmt.Errorf("%w: %s host %q is not a lower-case A-label name", ErrUnpublishable, which, s.Host)
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("%w: %s port %d", ErrUnpublishable, which, s.Port)
	}
	switch s.TLS {
	case ImplicitTLS:
		if s.Port != implicitPort {
			return fmt.Errorf("%w: %s implicit TLS on port %d: a profile can say only \"use SSL\", which Apple Mail reads as implicit TLS on port %d alone", ErrUnpublishable, which, s.Port, implicitPort)
		}
	case STARTTLS:
		if !slices.Contains(starttlsPorts, s.Port) {
			return fmt.Errorf("%w: %s STARTTLS on port %d: a profile can say only \"use SSL\", which Apple Mail reads as STARTTLS on ports %v alone", ErrUnpublishable, which, s.Port, starttlsPorts)
		}
	case Plaintext:
		return fmt.Errorf("%w: %s server is plaintext; profiles are written for TLS only", ErrUnpublishable, which)
	default:
		return fmt.Errorf("%w: %s server has no TLS mode", ErrUnpublishable, which)
	}
	return nil
}

// xmlChars reports whether every character of s may appear in XML 1.0.
func xmlChars(s string) bool {
	for _, r := range s {
		if r == 0xFFFE || r == 0xFFFF {
			return false
		}
	}
	return true
}

// A dict is a property list dictionary, written with its keys sorted.
type dict []pair

type pair struct {
	key   string
	value any // string, int, bool or []dict
}

func (d dict) write(b *bytes.Buffer, depth int) {
	sorted := slices.Clone(d)
	slices.SortFunc(sorted, func(a, b pair) int { return strings.Compare(a.key, b.key) })
	indent := strings.Repeat("\t", depth)
	b.WriteString(indent + "<dict>\n")
	for _, p := range sorted {
		b.WriteString(indent + "\t<key>")
		xml.EscapeText(b, []byte(p.key))
		b.WriteString("</key>\n")
		switch v := p.value.(type) {
		case string:
			b.WriteString(indent + "\t<string>")
			xml.EscapeText(b, []byte(v))
			b.WriteString("</string>\n")
		case int:
			b.WriteString(indent + "\t<integer>" + strconv.Itoa(v) + "</integer>\n")
		case bool:
			if v {
				b.WriteString(indent + "\t<true/>\n")
			} else {
				b.WriteString(indent + "\t<false/>\n")
			}
		case []dict:
			b.WriteString(indent + "\t<array>\n")
			for _, e := range v {
				e.write(b, depth+2)
			}
			b.WriteString(indent + "\t</array>\n")
		}
	}
	b.WriteString(indent + "</dict>\n")
}
