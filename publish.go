package mailsettings

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnpublishable is wrapped by every error of the writers of the formats
// other than Mozilla autoconfig ([Provider.MarshalAutodiscover],
// [Provider.MarshalPACC], [Provider.MarshalMobileconfig],
// [Provider.SRVRecords]) when the format cannot express the provider, or
// the input is unusable. The message says what could not be written and
// why.
//
// The writers follow one rule: each endpoint is published only if the
// format says exactly what it is (host, port, encryption and login name),
// so that every endpoint in a document is right; endpoints the format
// cannot say are left out; and a provider of which some protocol (IMAP,
// POP3 or SMTP) would be left with no endpoint at all is refused, since
// a document without it would tell clients the protocol is not offered.
// Plaintext endpoints are never published in these formats.
var ErrUnpublishable = errors.New("mailsettings: cannot publish")

// A ProfileSigner signs Apple configuration profiles, for
// [Provider.MarshalMobileconfig] and [PublishHandler]. This package holds
// no keys: a signer typically makes a DER CMS SignedData that encloses
// the profile, with the certificate of the web server that serves it.
type ProfileSigner interface {
	// Sign returns the signed profile. It receives the exact unsigned
	// bytes and must not keep or change them.
	Sign(unsigned []byte) ([]byte, error)
}

// unpublishable returns an error wrapping ErrUnpublishable for format and
// provider id, with the detail.
func unpublishable(format, id, detail string) error {
	if id == "" { // only the zero Provider has no ID
		return fmt.Errorf("%w %s of the zero Provider: %s", ErrUnpublishable, format, detail)
	}
	return fmt.Errorf("%w %s of provider %q: %s", ErrUnpublishable, format, id, detail)
}

// codecDetail returns the message of err, an error of an internal codec,
// without the codec's own prefix (sentinel's message and ": ").
func codecDetail(err, sentinel error) string {
	return strings.TrimPrefix(err.Error(), sentinel.Error()+": ")
}

// publishable returns the endpoints of p that a format can express, in
// order of preference: those for which say returns nil. It refuses, with
// an error wrapping ErrUnpublishable, the zero Provider and a provider of
// which some protocol has endpoints but none the format can express,
// naming the most preferred endpoint of that protocol and why it cannot
// be said.
func (p Provider) publishable(format string, say func(ServerEndpoint) error) ([]ServerEndpoint, error) {
	if p.IsZero() {
		return nil, unpublishable(format, "", "no provider")
	}
	i := p.data()
	var out []ServerEndpoint
	for _, proto := range []Protocol{IMAP, POP3, SMTP} {
		var first error
		n := 0
		for _, e := range i.Endpoints {
			if e.Protocol != proto {
				continue
			}
			if err := say(e); err != nil {
				if first == nil {
					first = fmt.Errorf("%v: %v", e, err)
				}
				continue
			}
			out = append(out, e)
			n++
		}
		if n == 0 && first != nil {
			return nil, unpublishable(format, i.ID, proto.name()+" would be left with no endpoint: "+first.Error())
		}
	}
	sortEndpoints(out)
	return out, nil
}

// errPlaintext is why no writer but Mozilla autoconfig publishes a
// plaintext endpoint.
var errPlaintext = errors.New("plaintext endpoints are never published in this format")

// errLoginName is why PACC and SRV records publish only endpoints whose
// login name is the email address.
var errLoginName = errors.New("the format has no login name, and clients log in with the email address")

// errOAuth2Only is why Autodiscover and Apple profiles refuse providers
// that accept only OAuth2.
var errOAuth2Only = errors.New("only OAuth2 logs in, and the format can say only that a password does")
