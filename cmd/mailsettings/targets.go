package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
)

// schemes maps a target scheme to its protocol, encryption and default
// port.
var schemes = map[string]struct {
	p    mailsettings.Protocol
	enc  mailsettings.Encryption
	port uint16
}{
	"imaps": {mailsettings.IMAP, mailsettings.ImplicitTLS, 993},
	"imap":  {mailsettings.IMAP, mailsettings.STARTTLS, 143},
	"pop3s": {mailsettings.POP3, mailsettings.ImplicitTLS, 995},
	"pop3":  {mailsettings.POP3, mailsettings.STARTTLS, 110},
	"smtps": {mailsettings.SMTP, mailsettings.ImplicitTLS, 465},
	"smtp":  {mailsettings.SMTP, mailsettings.STARTTLS, 587},
}

// targetHelp explains what probe and login accept.
const targetHelp = "TARGET: an address or domain (its endpoints from the built-in database, or discovered),\n" +
	"or imaps|imap|pop3s|pop3|smtps|smtp://HOST[:PORT] (imap, pop3, smtp mean STARTTLS)"

// A target is what one argument of probe or login names: endpoints, and
// the settings they came from when the argument was an address or domain.
type target struct {
	endpoints []mailsettings.ServerEndpoint
	settings  mailsettings.Settings // zero for SCHEME://HOST targets
}

// resolveTarget turns an argument into endpoints: a SCHEME://HOST[:PORT]
// as written, an address or domain from the built-in database or else
// from the best candidate of a discovery with d.
func resolveTarget(ctx context.Context, arg string, d *mailsettings.Discoverer) (target, error) {
	scheme, rest, ok := strings.Cut(arg, "://")
	if !ok {
		s, err := mailsettings.Lookup(arg)
		if errors.Is(err, mailsettings.ErrUnknownDomain) {
			disc, err := d.Discover(ctx, arg)
			best, found := disc.Best()
			if !found {
				return target{}, err
			}
			return target{best.Endpoints(), best.Settings}, nil
		}
		if err != nil {
			return target{}, err
		}
		return target{s.Endpoints(), s}, nil
	}
	sc, ok := schemes[strings.ToLower(scheme)]
	if !ok {
		return target{}, fmt.Errorf("unknown scheme %q (want imaps, imap, pop3s, pop3, smtps or smtp)", scheme)
	}
	host, port := strings.TrimSuffix(rest, "/"), sc.port
	if h, p, err := net.SplitHostPort(host); err == nil {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return target{}, fmt.Errorf("bad port %q", p)
		}
		host, port = h, uint16(n)
	}
	if net.ParseIP(host) == nil {
		s, err := mailsettings.Lookup(host)
		if err != nil && !errors.Is(err, mailsettings.ErrUnknownDomain) {
			return target{}, err
		}
		if s.LocalPart != "" {
			return target{}, fmt.Errorf("%q is an address, not a host", host)
		}
		host = s.Domain
	}
	ep := mailsettings.ServerEndpoint{Protocol: sc.p, Host: host, Port: port, Encryption: sc.enc, Username: mailsettings.UsernameAddress}
	return target{endpoints: []mailsettings.ServerEndpoint{ep}}, nil
}
