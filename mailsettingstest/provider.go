package mailsettingstest

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http/httptest"
	"testing"

	"github.com/mailsettings/mailsettings"
)

// A Provider is a fake mail provider for one test domain: mail servers on
// loopback whose certificates come from one CA, a Resolver that maps the
// servers' names to them, and, with [WithAutoconfig], an HTTPS server that
// publishes the provider's autoconfig document. Its Discoverer and Prober
// use only these, so a test can run discovery, probes and credential
// checks against the domain as it would against a real provider.
type Provider struct {
	// Domain is the mail domain, normalized ("example.test").
	Domain string
	// Provider lists Domain and the endpoints of Servers. It is built with
	// [mailsettings.NewProvider] (ID and Name are Domain).
	Provider mailsettings.Provider
	// Servers are the mail servers, in the order they were asked for. A
	// server's host is PROTOCOL.DOMAIN, such as imap.example.test, unless
	// [WithHost] gave another.
	Servers []*Server
	// CA signed the certificates of the servers (unless an [Option] gave
	// another) and of Autoconfig.
	CA *CA
	// Resolver maps the servers' hosts to 127.0.0.1, and, with
	// WithAutoconfig, Domain and autoconfig.DOMAIN as well.
	Resolver *Resolver
	// Autoconfig is the HTTPS server that serves
	// [mailsettings.PublishHandler] for Domain, with a certificate for
	// Domain and autoconfig.DOMAIN; nil without WithAutoconfig. Clients
	// reach it on port 443 through Dialer.
	Autoconfig *httptest.Server
}

// A ProviderOption changes what NewProvider sets up.
type ProviderOption func(*providerConfig)

type providerConfig struct {
	servers    []serverSpec
	common     []Option
	autoconfig bool
}

type serverSpec struct {
	p    mailsettings.Protocol
	e    mailsettings.Encryption
	opts []Option
}

// WithServer adds a server for protocol p with encryption e, configured by
// opts (such as [RefuseSTARTTLS] or [ExpiredCertificate]). Without it,
// NewProvider starts the servers of a typical modern provider: IMAP with
// implicit TLS and with STARTTLS, POP3 with implicit TLS, SMTP submission
// with implicit TLS and with STARTTLS.
func WithServer(p mailsettings.Protocol, e mailsettings.Encryption, opts ...Option) ProviderOption {
	return func(c *providerConfig) { c.servers = append(c.servers, serverSpec{p, e, opts}) }
}

// WithServerOptions applies opts to every server, before the options given
// to WithServer; [WithUsers] is the usual one.
func WithServerOptions(opts ...Option) ProviderOption {
	return func(c *providerConfig) { c.common = append(c.common, opts...) }
}

// WithAutoconfig also starts an HTTPS autoconfig server for the domain, so
// that discovery can find the provider the way it does in production, over
// https://autoconfig.DOMAIN/mail/config-v1.1.xml, instead of through
// [mailsettings.Discoverer.Providers].
func WithAutoconfig() ProviderOption { return func(c *providerConfig) { c.autoconfig = true } }

// NewProvider starts a fake provider for domain (such as "example.test")
// and closes it when the test ends. It fails the test if domain is not a
// valid domain or a server cannot start.
func NewProvider(t testing.TB, domain string, opts ...ProviderOption) *Provider {
	t.Helper()
	p, err := StartProvider(domain, opts...)
	if err != nil {
		t.Fatalf("mailsettingstest: %v", err)
	}
	t.Cleanup(p.Close)
	return p
}

// StartProvider starts a fake provider for domain. The caller must Close
// it.
func StartProvider(domain string, opts ...ProviderOption) (_ *Provider, err error) {
	var cfg providerConfig
	for _, o := range opts {
		o(&cfg)
	}
	if len(cfg.servers) == 0 {
		cfg.servers = []serverSpec{
			{mailsettings.IMAP, mailsettings.ImplicitTLS, nil},
			{mailsettings.IMAP, mailsettings.STARTTLS, nil},
			{mailsettings.POP3, mailsettings.ImplicitTLS, nil},
			{mailsettings.SMTP, mailsettings.ImplicitTLS, nil},
			{mailsettings.SMTP, mailsettings.STARTTLS, nil},
		}
	}
	// Lookup normalizes the domain as every client of the library does; a
	// test domain is not in its table, which is fine here.
	s, err := mailsettings.Lookup(domain)
	if errors.Is(err, mailsettings.ErrInvalidInput) {
		return nil, err
	}
	if s.LocalPart != "" {
		return nil, errors.New("domain " + domain + " is an address")
	}
	ca, err := NewCA()
	if err != nil {
		return nil, err
	}
	p := &Provider{Domain: s.Domain, CA: ca, Resolver: &Resolver{Hosts: map[string][]string{}}}
	defer func() {
		if err != nil {
			p.Close()
		}
	}()
	info := mailsettings.ProviderInfo{ID: p.Domain, Name: p.Domain, Domains: []string{p.Domain}}
	for _, spec := range cfg.servers {
		host := string(spec.p) + "." + p.Domain
		o := append([]Option{WithCA(ca), WithHost(host)}, cfg.common...)
		srv, err := Start(spec.p, spec.e, append(o, spec.opts...)...)
		if err != nil {
			return nil, err
		}
		p.Servers = append(p.Servers, srv)
		p.Resolver.Hosts[canonical(srv.Host)] = []string{"127.0.0.1"}
		info.Endpoints = append(info.Endpoints, srv.Endpoint())
	}
	if p.Provider, err = mailsettings.NewProvider(info); err != nil {
		return nil, err
	}
	if cfg.autoconfig {
		h, err := mailsettings.PublishHandler(map[string]mailsettings.Provider{p.Domain: p.Provider}, nil)
		if err != nil {
			return nil, err
		}
		names := []string{p.Domain, "autoconfig." + p.Domain}
		cert, err := ca.Issue(names...)
		if err != nil {
			return nil, err
		}
		p.Autoconfig = httptest.NewUnstartedServer(h)
		p.Autoconfig.TLS = &tls.Config{Certificates: []tls.Certificate{cert.TLS}}
		p.Autoconfig.Config.ErrorLog = log.New(io.Discard, "", 0) // clients that hang up are not news
		p.Autoconfig.StartTLS()
		for _, n := range names {
			p.Resolver.Hosts[n] = []string{"127.0.0.1"}
		}
	}
	return p, nil
}

// Close stops the provider's servers and waits for their goroutines. It
// may be called more than once.
func (p *Provider) Close() {
	if p.Autoconfig != nil {
		p.Autoconfig.Close()
	}
	for _, s := range p.Servers {
		s.Close()
	}
}

// Server returns the first server for protocol p with encryption e, or nil.
func (p *Provider) Server(proto mailsettings.Protocol, e mailsettings.Encryption) *Server {
	for _, s := range p.Servers {
		if s.Protocol == proto && s.Encryption == e {
			return s
		}
	}
	return nil
}

// ClientTLSConfig returns a client configuration that trusts the CA.
func (p *Provider) ClientTLSConfig() *tls.Config { return &tls.Config{RootCAs: p.CA.Pool()} }

// Dialer returns a dialer that connects 127.0.0.1:443 to the Autoconfig
// server (if there is one) and dials every other address with a
// net.Dialer.
func (p *Provider) Dialer() mailsettings.Dialer {
	d := &dialer{}
	if p.Autoconfig != nil {
		d.https = p.Autoconfig.Listener.Addr().String()
	}
	return d
}

type dialer struct{ https string }

func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	if address == "127.0.0.1:443" && d.https != "" {
		address = d.https
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, address)
}

// Discoverer returns a new Discoverer that knows the provider through its
// Providers field, resolves with Resolver, dials with Dialer, trusts the CA
// and does not ask the ISP database. With [WithAutoconfig], set Providers
// to nil to make it find the provider over HTTPS autoconfig instead.
func (p *Provider) Discoverer() *mailsettings.Discoverer {
	return &mailsettings.Discoverer{
		Providers: []mailsettings.Provider{p.Provider},
		Resolver:  p.Resolver,
		Dialer:    p.Dialer(),
		TLSConfig: p.ClientTLSConfig(),
		NoISPDB:   true,
	}
}

// Prober returns a Prober that resolves with Resolver, dials with Dialer
// and trusts the CA.
func (p *Provider) Prober() *mailsettings.Prober {
	return &mailsettings.Prober{Resolver: p.Resolver, Dialer: p.Dialer(), TLSConfig: p.ClientTLSConfig()}
}
