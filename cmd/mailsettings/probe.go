package main

import (
	"context"
	"crypto/tls"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// runProbe is "mailsettings probe": connect, TLS, certificate, greeting
// and capabilities of every endpoint of each target.
func runProbe(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "probe", "[-json] [flags] TARGET... | -\n"+targetHelp, true)
	nf := s.netFlags(15*time.Second, 4)
	rest, code, ok := s.parseNet(args, nf)
	if !ok {
		return code
	}
	r, dialer, tlsConfig := nf.r, nf.d, nf.tls
	p := &mailsettings.Prober{Resolver: r, Dialer: dialer, TLSConfig: tlsConfig, Timeout: *nf.timeout}
	d := &mailsettings.Discoverer{Resolver: r, Dialer: dialer, TLSConfig: tlsConfig, Cache: mailsettings.NewCache(0, nil)}
	in := s.input(rest)
	return runQueries(ctx, s, in, *nf.parallel, func(ctx context.Context, arg string) []probeOutput {
		tctx, cancel := context.WithTimeout(ctx, *nf.timeout)
		t, err := resolveTarget(tctx, arg, d)
		cancel()
		if err != nil {
			return []probeOutput{invalidTarget(arg, err)}
		}
		var outs []probeOutput
		for i, rep := range p.ProbeAll(ctx, t.endpoints) {
			outs = append(outs, newProbeOutput(arg, t.endpoints[i], rep, s.lang))
		}
		return outs
	}, func(outs []probeOutput) bool {
		return anyFailed(outs, func(o probeOutput) bool { return o.OK })
	}, s.probeOutputs)
}

// probeOutput is one line of probe -json: one endpoint, or a target that
// gave no endpoint. Its strings are cleaned when written.
type probeOutput struct {
	Target            string                       `json:"target"`
	Endpoint          *mailsettings.ServerEndpoint `json:"endpoint,omitempty"`
	OK                bool                         `json:"ok"`
	ErrorKind         mailsettings.ErrorKind       `json:"error_kind"`
	Step              string                       `json:"step,omitempty"`
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

// invalidTarget is the output for a target that names no endpoint.
func invalidTarget(target string, err error) probeOutput {
	return probeOutput{Target: target, ErrorKind: mailsettings.KindInvalidRequest, Message: err.Error(),
		Capabilities: []string{}, AuthMechanisms: []string{}}
}

func newProbeOutput(target string, ep mailsettings.ServerEndpoint, rep mailsettings.ProbeReport, l cli.Lang) probeOutput {
	o := probeOutput{Target: target, Endpoint: &ep, OK: rep.Err == nil, Message: "ok",
		Capabilities: []string{}, AuthMechanisms: []string{}}
	if rep.Err != nil {
		o.Message = rep.Err.Error()
		if pe, ok := errors.AsType[*mailsettings.ProbeError](rep.Err); ok {
			o.ErrorKind, o.Step = pe.Kind, pe.Step
			o.Explanation, o.Fix = pe.Explanation().In(l.Tag()), pe.Fix().In(l.Tag())
		}
	}
	r := rep.Result
	if r == nil {
		return o
	}
	o.Addr = r.Addr
	o.TLSVersion, o.CipherSuite = tls.VersionName(r.TLSVersion), tls.CipherSuiteName(r.CipherSuite)
	if r.TLSVersion == 0 {
		o.TLSVersion, o.CipherSuite = "", ""
	}
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

// probeOutputs prints the outputs of one target: JSON lines, or a table
// with a verdict per endpoint and then the explanation and fix of each
// failure.
func (s *sub) probeOutputs(outs []probeOutput) {
	if *s.json {
		writeJSON(s, outs)
		return
	}
	l := s.lang
	t := cli.Table{}
	t.Row(l.T("h.target"), l.T("h.endpoint"), l.T("h.result"))
	var failures []string
	for _, o := range outs {
		ep := "-"
		if o.Endpoint != nil {
			ep = o.Endpoint.String()
		}
		t.Row(o.Target, ep, o.verdict(l))
		if !o.OK && o.Endpoint != nil {
			failures = append(failures, failureBlock(o.Target, ep, o.ErrorKind, o.Explanation, o.Fix))
		}
	}
	s.report(&t, failures)
}

// verdict is the one-line summary of an output.
func (o probeOutput) verdict(l cli.Lang) string {
	if !o.OK {
		if o.Endpoint == nil {
			return l.T("fail") + " " + string(o.ErrorKind) + ": " + cli.Clean(o.Message)
		}
		return l.T("fail") + " " + string(o.ErrorKind) + " (" + string(o.Step) + ")"
	}
	parts := []string{l.T("ok")}
	if o.TLSVersion != "" {
		parts = append(parts, o.TLSVersion+" "+o.CipherSuite)
	} else {
		parts = append(parts, l.T("no_encryption"))
	}
	if c := o.Certificate; c != nil {
		parts = append(parts, l.T("cert", "names", cli.Clean(strings.Join(c.DNSNames, ",")), "date", c.NotAfter.UTC().Format("2006-01-02")))
	}
	if len(o.AuthMechanisms) > 0 {
		parts = append(parts, "AUTH "+cli.Clean(strings.Join(o.AuthMechanisms, " ")))
	}
	parts = append(parts, l.T("ms", "ms", strconv.FormatFloat(o.TimingMS["total"], 'f', 0, 64)))
	return strings.Join(parts, ", ")
}
