// Command probe checks mail server endpoints with mailsettings.Probe: it
// connects, starts TLS, verifies the certificate, reads the greeting and
// the capabilities, and explains every failure in English or Chinese.
//
// Usage:
//
//	go run ./examples/probe [-json] [-ca FILE] [-timeout D] [-lang zh] TARGET...
//
// A TARGET is an address or a domain (alice@qq.com, qq.com), whose
// endpoints from the built-in database (or, for other domains, from
// mailsettings.Discover) are all probed, or
// SCHEME://HOST[:PORT] with SCHEME one of imaps (IMAP, implicit TLS, 993),
// imap (IMAP, STARTTLS, 143), pop3s (995), pop3 (STARTTLS, 110), smtps (SMTP
// submission, implicit TLS, 465) or smtp (STARTTLS, 587). -ca adds the
// certificates of a PEM file to the trusted roots.
//
// The human output is a table with a one-line verdict per endpoint and the
// explanation and fix of each failure. With -json it prints one object per
// endpoint and line, with the fields target, endpoint, ok, error_kind (one
// of mailsettings.ErrorKinds, "" on success), step, message, explanation,
// fix, addr, tls_version, cipher_suite, certificate, greeting,
// greeting_before_tls, capabilities, auth_mechanisms and timing_ms. The
// exit status is 1 if any probe failed, 2 for bad usage.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cliutil"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, mailsettings.Prober{}))
}

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

// A job is one endpoint to probe, or a target that could not be turned
// into endpoints.
type job struct {
	target string
	e      mailsettings.ServerEndpoint
	err    error
}

// run is main with its dependencies given; base is the Prober to start
// from (tests set its Resolver).
func run(ctx context.Context, args []string, stdout, stderr io.Writer, base mailsettings.Prober) int {
	fs := flag.NewFlagSet("probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print one JSON object per endpoint and line")
	caFile := fs.String("ca", "", "PEM `file` of extra CA certificates to trust")
	timeout := fs.Duration("timeout", 15*time.Second, "time limit for each probe")
	lang := fs.String("lang", "en", "language of explanations: en or zh")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: probe [-json] [-ca FILE] [-timeout D] [-lang zh] TARGET...")
		fmt.Fprintln(stderr, "TARGET: an address or domain, or imaps|imap|pop3s|pop3|smtps|smtp://HOST[:PORT]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	p := base
	p.Timeout = *timeout
	if *caFile != "" {
		pool, err := cliutil.LoadCA(*caFile)
		if err != nil {
			fmt.Fprintln(stderr, "probe:", err)
			return 2
		}
		cfg := &tls.Config{}
		if base.TLSConfig != nil {
			cfg = base.TLSConfig.Clone()
		}
		cfg.RootCAs = pool
		p.TLSConfig = cfg
	}

	var jobs []job
	var eps []mailsettings.ServerEndpoint
	for _, t := range fs.Args() {
		es, err := endpoints(ctx, t, &p)
		if err != nil {
			jobs = append(jobs, job{target: t, err: err})
			continue
		}
		for _, e := range es {
			jobs = append(jobs, job{target: t, e: e})
			eps = append(eps, e)
		}
	}
	reports := p.ProbeAll(ctx, eps)

	status := 0
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, "TARGET\tENDPOINT\tVERDICT")
	}
	var failures []string
	i := 0
	for _, j := range jobs {
		var rep mailsettings.ProbeReport
		if j.err == nil {
			rep = reports[i]
			i++
		}
		o := newOutput(j, rep, *lang)
		if !o.OK {
			status = 1
		}
		if *asJSON {
			if err := enc.Encode(o); err != nil {
				fmt.Fprintln(stderr, "probe:", err)
				return 1
			}
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", j.target, o.endpointText(), o.verdict())
		if !o.OK && o.Endpoint != nil {
			failures = append(failures, fmt.Sprintf("%s %s: %s\n  %s\n  %s", j.target, o.endpointText(), o.ErrorKind, o.Explanation, o.Fix))
		}
	}
	if !*asJSON {
		tw.Flush()
		for _, f := range failures {
			fmt.Fprintln(stdout)
			fmt.Fprintln(stdout, f)
		}
	}
	return status
}

// endpoints turns a target into the endpoints to probe.
//
// An address or domain that the built-in database does not know is
// discovered (autoconfig, SRV, MX) with the Prober's resolver, dialer and
// TLS configuration, and the best candidate's endpoints are probed.
func endpoints(ctx context.Context, target string, p *mailsettings.Prober) ([]mailsettings.ServerEndpoint, error) {
	scheme, rest, ok := strings.Cut(target, "://")
	if !ok {
		s, err := mailsettings.Lookup(target)
		if errors.Is(err, mailsettings.ErrUnknownDomain) {
			d := mailsettings.Discoverer{Resolver: p.Resolver, Dialer: p.Dialer, TLSConfig: p.TLSConfig}
			disc, err := d.Discover(ctx, target)
			if err != nil {
				return nil, err
			}
			best, _ := disc.Best()
			return best.Endpoints(), nil
		}
		if err != nil {
			return nil, err
		}
		return s.Endpoints(), nil
	}
	sc, ok := schemes[strings.ToLower(scheme)]
	if !ok {
		return nil, fmt.Errorf("unknown scheme %q (want imaps, imap, pop3s, pop3, smtps or smtp)", scheme)
	}
	host, port := strings.TrimSuffix(rest, "/"), sc.port
	if h, p, err := net.SplitHostPort(host); err == nil {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return nil, fmt.Errorf("bad port %q", p)
		}
		host, port = h, uint16(n)
	}
	if net.ParseIP(host) == nil {
		s, err := mailsettings.Lookup(host)
		if err != nil && !errors.Is(err, mailsettings.ErrUnknownDomain) {
			return nil, err
		}
		host = s.Domain
	}
	return []mailsettings.ServerEndpoint{{Protocol: sc.p, Host: host, Port: port, Encryption: sc.enc, Username: mailsettings.UsernameAddress}}, nil
}

// output is one line of -json output.
type output struct {
	Target            string                       `json:"target"`
	Endpoint          *mailsettings.ServerEndpoint `json:"endpoint,omitempty"`
	OK                bool                         `json:"ok"`
	ErrorKind         mailsettings.ErrorKind       `json:"error_kind"`
	Step              mailsettings.Step            `json:"step,omitempty"`
	Message           string                       `json:"message"`
	Explanation       string                       `json:"explanation,omitempty"`
	Fix               string                       `json:"fix,omitempty"`
	Addr              string                       `json:"addr,omitempty"`
	TLSVersion        string                       `json:"tls_version"`
	CipherSuite       string                       `json:"cipher_suite,omitempty"`
	Certificate       *certificate                 `json:"certificate,omitempty"`
	Greeting          string                       `json:"greeting"`
	GreetingBeforeTLS bool                         `json:"greeting_before_tls"`
	Capabilities      []string                     `json:"capabilities"`
	AuthMechanisms    []string                     `json:"auth_mechanisms"`
	TimingMS          map[string]float64           `json:"timing_ms,omitempty"`
}

type certificate struct {
	Subject  string    `json:"subject"`
	Issuer   string    `json:"issuer"`
	DNSNames []string  `json:"dns_names"`
	NotAfter time.Time `json:"not_after"`
}

func newOutput(j job, rep mailsettings.ProbeReport, lang string) output {
	o := output{Target: j.target, Capabilities: []string{}, AuthMechanisms: []string{}}
	if j.err != nil {
		o.ErrorKind = mailsettings.KindInvalidRequest
		o.Message = j.err.Error()
		return o
	}
	e := j.e
	o.Endpoint = &e
	r := rep.Result
	o.OK = rep.Err == nil
	if rep.Err != nil {
		o.Message = rep.Err.Error()
		if pe, ok := errors.AsType[*mailsettings.ProbeError](rep.Err); ok {
			o.ErrorKind, o.Step = pe.Kind, pe.Step
			o.Explanation, o.Fix = pe.Explanation().In(lang), pe.Fix().In(lang)
		}
	} else {
		o.Message = "ok"
	}
	if r == nil {
		return o
	}
	o.Addr = r.Addr
	o.TLSVersion, o.CipherSuite = tls.VersionName(r.TLSVersion), tls.CipherSuiteName(r.CipherSuite)
	if c := r.Certificate; c != nil {
		o.Certificate = &certificate{Subject: c.Subject, Issuer: c.Issuer, DNSNames: c.DNSNames, NotAfter: c.NotAfter}
	}
	o.Greeting, o.GreetingBeforeTLS = r.Greeting, r.GreetingBeforeTLS
	if r.Capabilities != nil {
		o.Capabilities = r.Capabilities
	}
	if r.AuthMechanisms != nil {
		o.AuthMechanisms = r.AuthMechanisms
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	o.TimingMS = map[string]float64{
		"dns": ms(r.Timing.DNS), "connect": ms(r.Timing.Connect), "tls": ms(r.Timing.TLS),
		"greeting": ms(r.Timing.Greeting), "total": ms(r.Timing.Total),
	}
	return o
}

func (o output) endpointText() string {
	if o.Endpoint == nil {
		return "-"
	}
	return o.Endpoint.String()
}

// verdict is the one-line summary.
func (o output) verdict() string {
	if !o.OK {
		if o.Endpoint == nil {
			return "FAIL " + string(o.ErrorKind) + ": " + o.Message
		}
		return "FAIL " + string(o.ErrorKind) + " (" + string(o.Step) + ")"
	}
	var b strings.Builder
	b.WriteString("OK")
	if o.TLSVersion != "" {
		fmt.Fprintf(&b, "  %s %s", o.TLSVersion, o.CipherSuite)
	} else {
		b.WriteString("  no encryption")
	}
	if c := o.Certificate; c != nil {
		fmt.Fprintf(&b, ", cert %s until %s", strings.Join(c.DNSNames, ","), c.NotAfter.UTC().Format("2006-01-02"))
	}
	if len(o.AuthMechanisms) > 0 {
		fmt.Fprintf(&b, ", AUTH %s", strings.Join(o.AuthMechanisms, " "))
	}
	fmt.Fprintf(&b, ", %.0f ms", o.TimingMS["total"])
	return b.String()
}
