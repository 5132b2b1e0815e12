package mailsettings

import (
	"errors"

	"github.com/mailsettings/mailsettings/internal/pacc"
)

// MarshalPACC writes the provider as the configuration document of PACC
// (draft-ietf-mailmaint-pacc), to serve at
// https://ua-auto-config.DOMAIN/.well-known/user-agent-configuration.json
// for each mail domain: body is the exact bytes to serve, and txt the
// value of the TXT record to publish at _ua-auto-config.DOMAIN, which ties
// the body to the domain ("v=UAAC1; a=sha256; d=" and the base64 SHA-256
// of body). The same provider always gives the same bytes.
//
// The document names, for each of IMAP, POP3 and SMTP submission the
// provider offers, the host of its most preferred endpoint that PACC can
// express, and the provider's name, whether passwords work, and its help
// page when that is an https URL. PACC knows only implicit TLS on the
// ports 993, 995 and 465 and no login name other than the email address,
// so endpoints with STARTTLS, another port, plaintext or another
// [UsernameForm] are left out, and a provider of which some protocol is
// offered only in such ways (for example POP3 only with STARTTLS) is
// refused as a whole, with an error wrapping [ErrUnpublishable]: leaving
// the protocol out would tell clients it is not offered, so publishing
// less is the provider's decision to make, with a [ProviderInfo] that
// lists less.
//
// A provider that accepts only OAuth2 is refused too: PACC names an OAuth2
// service by its RFC 8414 issuer identifier, which the provider data does
// not hold (its [OAuth2] issuer is a host name). For the same reason no
// issuer is written for providers that accept passwords.
func (p Provider) MarshalPACC() (body []byte, txt string, err error) {
	const format = "PACC"
	eps, err := p.publishable(format, func(e ServerEndpoint) error {
		switch {
		case e.Encryption == Plaintext:
			return errPlaintext
		case e.Encryption == STARTTLS:
			return errors.New("PACC cannot express STARTTLS: it lists only implicit TLS (RFC 8314)")
		case e.Username != UsernameAddress:
			return errLoginName
		}
		if _, err := pacc.Marshal(paccConfig([]ServerEndpoint{e}, "x", "")); err != nil {
			return errors.New(codecDetail(err, pacc.ErrUnpublishable))
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	i := p.data()
	if i.Password == PasswordOAuth2Only {
		return nil, "", unpublishable(format, i.ID, "only OAuth2 logs in, and PACC names an OAuth2 service by its RFC 8414 issuer identifier, which the provider data does not hold")
	}
	body, err = pacc.Marshal(paccConfig(eps, i.Name, i.DocURL))
	if err != nil && i.DocURL != "" {
		// The help page is optional: an http URL is left out.
		body, err = pacc.Marshal(paccConfig(eps, i.Name, ""))
	}
	if err != nil {
		return nil, "", unpublishable(format, i.ID, codecDetail(err, pacc.ErrUnpublishable))
	}
	return body, pacc.TXTRecord(body), nil
}

// paccConfig returns the PACC configuration of endpoints eps, which must
// all be implicit TLS, with passwords accepted.
func paccConfig(eps []ServerEndpoint, name, docURL string) pacc.Config {
	c := pacc.Config{Password: pacc.PasswordYes, ProviderName: name, DocumentationURL: docURL}
	for _, e := range eps {
		s := pacc.Server{Host: e.Host, Port: int(e.Port), TLS: pacc.ImplicitTLS}
		switch e.Protocol {
		case IMAP:
			c.IMAP = append(c.IMAP, s)
		case POP3:
			c.POP3 = append(c.POP3, s)
		case SMTP:
			c.Submit = append(c.Submit, s)
		}
	}
	return c
}
