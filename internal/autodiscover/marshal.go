package autodiscover

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/hostname"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// A Server is one endpoint for MarshalResponse to publish.
type Server struct {
	Type      string // "IMAP", "POP3" or "SMTP"
	Host      string // lower-case A-label host name
	Port      int
	TLS       TLSMode
	LoginName string // "" means the Settings' EmailAddress
}

// Settings is the answer to one request.
type Settings struct {
	// EmailAddress is the request's EMailAddress (see ParseRequest). It is
	// written as User/AutoDiscoverSMTPAddress and as the LoginName of
	// every server that has none.
	EmailAddress string
	DisplayName  string   // User/DisplayName; "" means the address
	Servers      []Server // in order of preference
}

// MarshalResponse returns the Outlook 2006a response for s, to serve with
// Content-Type ResponseContentType. Every Protocol is written with SPA
// "off" (a plain password over TLS, not NTLM), AuthRequired "on",
// DomainRequired "off", SSL "on", and Encryption "SSL" for ImplicitTLS or
// "TLS" for STARTTLS (see the package documentation).
//
// It refuses, with an error wrapping ErrUnpublishable: no servers, an
// unknown Type, a host that is not a lower-case A-label name, a bad port,
// Plaintext (never published), STARTTLS on a port other than 143, 110, 25
// or 587 and ImplicitTLS on one of them (Thunderbird decides by port and
// would read them wrong), an invalid address, and text with control or
// bidi characters. So ParseResponse reads back exactly what was written.
func MarshalResponse(s Settings) ([]byte, error) {
	fail := func(format string, a ...any) ([]byte, error) {
		return nil, fmt.Errorf("%w: "+format, append([]any{ErrUnpublishable}, a...)...)
	}
	addr, err := address.Canonical(s.EmailAddress)
	if err != nil {
		return fail("EmailAddress: %v", err)
	}
	display := s.DisplayName
	if display == "" {
		display = addr
	}
	if !sanitize.IsClean(display, maxDisplayName) {
		return fail("DisplayName has control or bidi characters, extra spaces, or is over %d bytes", maxDisplayName)
	}
	if len(s.Servers) == 0 {
		return fail("no servers")
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Autodiscover xmlns="` + RootResponseSchema + `">` + "\n")
	b.WriteString(`  <Response xmlns="` + ResponseSchema + `">` + "\n")
	b.WriteString("    <User>\n")
	element(&b, 6, "DisplayName", display)
	element(&b, 6, "AutoDiscoverSMTPAddress", addr)
	b.WriteString("    </User>\n    <Account>\n")
	element(&b, 6, "AccountType", "email")
	element(&b, 6, "Action", "settings")
	seen := map[Server]bool{}
	for _, srv := range s.Servers {
		if seen[srv] {
			continue
		}
		seen[srv] = true
		if err := checkServer(srv); err != nil {
			return nil, err
		}
		login := srv.LoginName
		if login == "" {
			login = addr
		}
		if !sanitize.IsClean(login, maxLoginName) {
			return fail("%s LoginName has control or bidi characters, extra spaces, or is over %d bytes", srv.Type, maxLoginName)
		}
		enc := "SSL"
		if srv.TLS == STARTTLS {
			enc = "TLS"
		}
		b.WriteString("      <Protocol>\n")
		element(&b, 8, "Type", srv.Type)
		element(&b, 8, "Server", srv.Host)
		element(&b, 8, "Port", strconv.Itoa(srv.Port))
		element(&b, 8, "LoginName", login)
		element(&b, 8, "DomainRequired", "off")
		element(&b, 8, "SPA", "off")
		element(&b, 8, "SSL", "on")
		element(&b, 8, "Encryption", enc)
		element(&b, 8, "AuthRequired", "on")
		b.WriteString("      </Protocol>\n")
	}
	b.WriteString("    </Account>\n  </Response>\n</Autodiscover>\n")
	return b.Bytes(), nil
}

// checkServer refuses what MarshalResponse cannot publish faithfully.
func checkServer(s Server) error {
	switch s.Type {
	case "IMAP", "POP3", "SMTP":
	default:
		return fmt.Errorf("%w: unknown Type %q (IMAP, POP3 or SMTP)", ErrUnpublishable, s.Type)
	}
	if h, err := hostname.Canonical(s.Host, hostname.Server); err != nil || h != s.Host {
		return fmt.Errorf("%w: %s host %q is not a lower-case A-label name", ErrUnpublishable, s.Type, s.Host)
	}
	if s.Port < 1 || s.Port > 65535 {
		return fmt.Errorf("%w: %s port %d", ErrUnpublishable, s.Type, s.Port)
	}
	switch {
	case s.TLS == Plaintext:
		return fmt.Errorf("%w: %s %s:%d is plaintext; only TLS endpoints are published", ErrUnpublishable, s.Type, s.Host, s.Port)
	case s.TLS == STARTTLS && !starttlsPort(s.Port):
		return fmt.Errorf("%w: %s STARTTLS on port %d would be read as implicit TLS (clients decide by port: STARTTLS only on 143, 110, 25, 587)", ErrUnpublishable, s.Type, s.Port)
	case s.TLS == ImplicitTLS && starttlsPort(s.Port):
		return fmt.Errorf("%w: %s implicit TLS on port %d would be read as STARTTLS", ErrUnpublishable, s.Type, s.Port)
	case s.TLS != STARTTLS && s.TLS != ImplicitTLS:
		return fmt.Errorf("%w: %s has no TLS mode", ErrUnpublishable, s.Type)
	}
	return nil
}

// MarshalError returns an Error response with code (for example "500",
// "600" Invalid Request or "601" Provider is not available, MS-OXDSCLI)
// and message, which should be a fixed text: an error response must not
// repeat what the request said. Control and bidi characters in either are
// replaced.
func MarshalError(code, message string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Autodiscover xmlns="` + RootResponseSchema + `">` + "\n")
	b.WriteString("  <Response>\n    <Error Time=\"00:00:00.0000000\" Id=\"0\">\n")
	element(&b, 6, "ErrorCode", sanitize.Text(code, maxFlag))
	element(&b, 6, "Message", sanitize.Text(message, maxMessage))
	b.WriteString("      <DebugData />\n    </Error>\n  </Response>\n</Autodiscover>\n")
	return b.Bytes()
}

// element writes <name>text</name> on its own line, text escaped.
func element(b *bytes.Buffer, indent int, name, text string) {
	for range indent {
		b.WriteByte(' ')
	}
	b.WriteString("<" + name + ">")
	xml.EscapeText(b, []byte(text))
	b.WriteString("</" + name + ">\n")
}
