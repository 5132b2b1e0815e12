package autodiscover

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/xmlwalk"
)

// MaxRequestSize bounds a request body read by ParseRequest. Real requests
// are under 1 KiB.
const MaxRequestSize = 64 << 10

// Request returns the body to POST, with Content-Type RequestContentType,
// to ask for the settings of email: the Outlook 2006 request with
// EMailAddress and AcceptableResponseSchema set to ResponseSchema, as
// Thunderbird sends it. The address is XML-escaped; validating it is the
// caller's job. Never send an Authorization header with it: this package
// is for discovery without credentials.
func Request(email string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<Autodiscover xmlns="` + RequestSchema + `">` + "\n")
	b.WriteString("  <Request>\n    <EMailAddress>")
	xml.EscapeText(&b, []byte(email))
	b.WriteString("</EMailAddress>\n")
	b.WriteString("    <AcceptableResponseSchema>" + ResponseSchema + "</AcceptableResponseSchema>\n")
	b.WriteString("  </Request>\n</Autodiscover>\n")
	return b.Bytes()
}

// ParseRequest reads a request body as a server receives it and returns
// its EMailAddress, validated as an address with a canonical domain. It
// refuses, with an error wrapping ErrRequest, a body over MaxRequestSize,
// malformed XML, a DOCTYPE, a root other than Autodiscover, a missing or
// invalid EMailAddress, and an AcceptableResponseSchema other than
// ResponseSchema (MS-OXDSCLI's error 601 "provider not available" is the
// answer to that). Namespaces are not checked, as clients vary.
func ParseRequest(body []byte) (string, error) {
	fail := func(format string, a ...any) (string, error) {
		return "", fmt.Errorf("%w: "+format, append([]any{ErrRequest}, a...)...)
	}
	if len(body) > MaxRequestSize {
		return fail("larger than %d bytes", MaxRequestSize)
	}
	var (
		email, schema  string
		emails, schems int
	)
	w := xmlwalk.Walker{Root: "autodiscover", FoldCase: true, MaxDepth: MaxDepth, MaxText: MaxText,
		End: func(path, v string) {
			switch path {
			case "autodiscover/request/emailaddress":
				email, emails = v, emails+1
			case "autodiscover/request/acceptableresponseschema":
				schema, schems = v, schems+1
			}
		}}
	if err := w.Walk(body); err != nil {
		return fail("%v", err)
	}
	if emails == 0 {
		return fail("no Request/EMailAddress")
	}
	if emails > 1 || schems > 1 {
		return fail("more than one EMailAddress or AcceptableResponseSchema")
	}
	if schema != ResponseSchema {
		return "", fmt.Errorf("%w: %w", ErrRequest, ErrSchema)
	}
	addr, err := address.Canonical(email)
	if err != nil {
		return fail("EMailAddress: %v", err)
	}
	return addr, nil
}

// ErrSchema is wrapped by the error ParseRequest returns for a request
// that does not accept the Outlook 2006a response schema.
var ErrSchema = errors.New("AcceptableResponseSchema is not the Outlook 2006a schema")
