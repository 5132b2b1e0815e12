package mailsettings

import (
	"errors"
	"strings"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/autodiscover"
)

// MarshalAutodiscover writes the Exchange Autodiscover answer (the Outlook
// 2006a "plain old XML" response of MS-OXDSCLI) that gives emailAddress the
// provider's IMAP, POP3 and SMTP settings, as a server answers a POST to
// https://autodiscover.DOMAIN/autodiscover/autodiscover.xml (see
// [PublishHandler]). emailAddress is the request's EMailAddress; its
// domain need not be one of the provider's Domains, for a provider that hosts
// other domains.
//
// Each endpoint becomes a Protocol element with its host, port and login
// name (the endpoint's [UsernameForm] applied to the address), SPA "off"
// (a password, not NTLM), SSL "on", and Encryption "SSL" for implicit TLS
// or "TLS" for STARTTLS, as Outlook reads them. Thunderbird ignores
// Encryption and decides by port (143, 110, 25 and 587 mean STARTTLS,
// every other port implicit TLS), so an endpoint that rule would read
// wrongly, such as implicit TLS on port 587, is left out, and so is every
// plaintext endpoint. It fails, with an error wrapping [ErrUnpublishable],
// for an invalid address, the zero Provider, a provider of which some
// protocol would be left with no endpoint (see [ErrUnpublishable]), and
// one that accepts only OAuth2 ([PasswordOAuth2Only]), which the POX
// response cannot say: clients would ask for a password that never works.
func (p Provider) MarshalAutodiscover(emailAddress string) ([]byte, error) {
	const format = "Autodiscover"
	addr, err := address.Canonical(strings.TrimSpace(emailAddress))
	if err != nil {
		return nil, unpublishable(format, p.data().ID, "the email address is not valid: "+err.Error())
	}
	at := strings.LastIndexByte(addr, '@')
	local, domain := addr[:at], addr[at+1:]
	server := func(e ServerEndpoint) (autodiscover.Server, error) {
		s := autodiscover.Server{
			Type: e.Protocol.name(), Host: e.Host, Port: int(e.Port),
			TLS: e.Encryption.mode(), LoginName: e.Username.expand(local, domain),
		}
		if e.Encryption == Plaintext {
			return s, errPlaintext
		}
		// The codec is the judge of what it can say: one server at a time.
		if _, err := autodiscover.MarshalResponse(autodiscover.Settings{EmailAddress: addr, Servers: []autodiscover.Server{s}}); err != nil {
			return s, errors.New(codecDetail(err, autodiscover.ErrUnpublishable))
		}
		return s, nil
	}
	eps, err := p.publishable(format, func(e ServerEndpoint) error {
		_, err := server(e)
		return err
	})
	if err != nil {
		return nil, err
	}
	if p.data().Password == PasswordOAuth2Only {
		return nil, unpublishable(format, p.data().ID, errOAuth2Only.Error())
	}
	var servers []autodiscover.Server
	for _, e := range eps {
		s, _ := server(e)
		servers = append(servers, s)
	}
	doc, err := autodiscover.MarshalResponse(autodiscover.Settings{EmailAddress: addr, Servers: servers})
	if err != nil {
		return nil, unpublishable(format, p.data().ID, codecDetail(err, autodiscover.ErrUnpublishable))
	}
	return doc, nil
}
