package mailsettings

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings/internal/address"
	"github.com/mailsettings/mailsettings/internal/mobileconfig"
	"github.com/mailsettings/mailsettings/internal/sanitize"
)

// mobileconfigContentType is the Content-Type of Apple configuration
// profiles.
const mobileconfigContentType = "application/x-apple-aspen-config"

// MarshalMobileconfig writes an Apple configuration profile (.mobileconfig,
// an XML property list with one com.apple.mail.managed payload) that sets
// up one mail account in Apple Mail on iOS, iPadOS, macOS and visionOS.
// It never holds a password: Apple Mail asks for it when the profile is
// installed.
//
// emailOrDomain is either an email address, which the profile then holds
// together with the login names (the endpoints' [UsernameForm] applied to
// it), or a bare mail domain, for one profile that serves every user of
// the domain (Apple Mail asks for the address and login name); "" means
// the provider's first domain. The profile's identifier and UUIDs derive
// from the domain alone, so serving it again gives the same bytes and
// installing it again replaces the earlier one.
//
// A profile holds one incoming and one outgoing server: the most preferred
// IMAP or POP3 endpoint and the most preferred SMTP endpoint it can
// express. It has only a "use SSL" switch, which Apple Mail applies by
// port, so it can say implicit TLS only on ports 993, 995 and 465 and
// STARTTLS only on 143, 110, 587 and 25, and never plaintext; and it
// logs in only with a password. It fails, with an error wrapping
// [ErrUnpublishable], for an invalid address or domain, the zero
// Provider, a provider without such an incoming or outgoing endpoint, and
// one that accepts only OAuth2 ([PasswordOAuth2Only]).
//
// If signer is not nil, MarshalMobileconfig returns what it makes of the
// unsigned bytes; an error from it is wrapped, and an empty result is an
// error.
func (p Provider) MarshalMobileconfig(emailOrDomain string, signer ProfileSigner) ([]byte, error) {
	const format = "Apple profile"
	i := p.data()
	if p.IsZero() {
		return nil, unpublishable(format, "", "no provider")
	}
	if i.Password == PasswordOAuth2Only {
		return nil, unpublishable(format, i.ID, errOAuth2Only.Error())
	}
	var local, domain, addr string
	switch s := strings.TrimSpace(emailOrDomain); {
	case s == "" && len(i.Domains) > 0:
		domain = i.Domains[0]
	case s == "":
		return nil, unpublishable(format, i.ID, "no mail domain: the provider lists none")
	case strings.Contains(s, "@"):
		a, err := address.Canonical(s)
		if err != nil {
			return nil, unpublishable(format, i.ID, "the email address is not valid: "+err.Error())
		}
		at := strings.LastIndexByte(a, '@')
		addr, local, domain = a, a[:at], a[at+1:]
	default:
		q, err := parseQuery(s)
		if err != nil || q.Local != "" {
			return nil, unpublishable(format, i.ID, "not a mail domain: "+strconv.Quote(sanitize.Clip(s, 80)))
		}
		domain = q.Domain
	}
	prof := mobileconfig.Profile{Domain: domain, EmailAddress: addr, Description: i.Name, Organization: i.Name}
	server := func(e ServerEndpoint) mobileconfig.Server {
		return mobileconfig.Server{Host: e.Host, Port: int(e.Port), TLS: e.Encryption.mode(), Username: e.Username.expand(local, domain)}
	}
	// Each candidate is judged by the codec, paired with a server it
	// accepts; the first one it takes, in order of preference, is used.
	var haveIn, haveOut bool
	var whyIn, whyOut string
	for _, e := range i.Endpoints {
		incoming := e.Protocol != SMTP
		if incoming && haveIn || !incoming && haveOut {
			continue
		}
		try := prof
		try.IncomingProtocol = mobileconfig.IMAP
		try.Incoming = mobileconfig.Server{Host: e.Host, Port: 993, TLS: mobileconfig.ImplicitTLS}
		try.Outgoing = mobileconfig.Server{Host: e.Host, Port: 465, TLS: mobileconfig.ImplicitTLS}
		switch e.Protocol {
		case IMAP:
			try.Incoming = server(e)
		case POP3:
			try.IncomingProtocol, try.Incoming = mobileconfig.POP3, server(e)
		default:
			try.Outgoing = server(e)
		}
		why := errPlaintext.Error()
		if e.Encryption != Plaintext {
			why = ""
			if _, err := mobileconfig.Marshal(try); err != nil {
				why = codecDetail(err, mobileconfig.ErrUnpublishable)
			}
		}
		switch {
		case why != "" && incoming && whyIn == "":
			whyIn = e.String() + ": " + why
		case why != "" && !incoming && whyOut == "":
			whyOut = e.String() + ": " + why
		case why != "":
		case incoming:
			haveIn, prof.IncomingProtocol, prof.Incoming = true, try.IncomingProtocol, try.Incoming
		default:
			haveOut, prof.Outgoing = true, try.Outgoing
		}
	}
	switch {
	case !haveIn:
		return nil, unpublishable(format, i.ID, "no IMAP or POP3 endpoint a profile can express ("+whyIn+")")
	case !haveOut:
		return nil, unpublishable(format, i.ID, "no SMTP endpoint a profile can express ("+whyOut+")")
	}
	doc, err := mobileconfig.Marshal(prof)
	if err != nil {
		return nil, unpublishable(format, i.ID, codecDetail(err, mobileconfig.ErrUnpublishable))
	}
	if signer == nil {
		return doc, nil
	}
	signed, err := signer.Sign(doc)
	if err != nil {
		return nil, fmt.Errorf("mailsettings: signing the Apple profile of provider %q: %w", i.ID, err)
	}
	if len(signed) == 0 {
		return nil, fmt.Errorf("mailsettings: signing the Apple profile of provider %q: the signer returned nothing", i.ID)
	}
	return signed, nil
}
