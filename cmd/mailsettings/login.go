package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

// defaultPasswordEnv is the environment variable login reads the password
// from, unless -password-env names another.
const defaultPasswordEnv = "MAILSETTINGS_PASSWORD"

// runLogin is "mailsettings login": Prober.CheckLogin on the best endpoint
// of each protocol (or every endpoint with -all). The secret comes from an
// environment variable or a prompt without echo, never from the command
// line, and is sent only over TLS with a verified certificate.
func runLogin(ctx context.Context, e *env, args []string) int {
	s := newSub(e, "login", "[-json] [flags] ADDRESS|TARGET... | -\n"+targetHelp+"\n"+
		"The password is read from $"+defaultPasswordEnv+" (or -password-env), or asked for on the terminal.", true)
	nf := s.netFlags(30*time.Second, 1)
	user := s.fs.String("user", "", "log in as `name` (default: the login the provider uses for the address)")
	passwordEnv := s.fs.String("password-env", defaultPasswordEnv, "read the password from this environment `variable`")
	tokenEnv := s.fs.String("token-env", "", "read an OAuth2 access token from this environment `variable` and log in with XOAUTH2")
	all := s.fs.Bool("all", false, "check every endpoint, not only the best one of each protocol")
	rest, code, ok := s.parseNet(args, nf)
	if !ok {
		return code
	}
	r, dialer, tlsConfig := nf.r, nf.d, nf.tls
	in := s.input(rest)
	creds, err := s.secret(*passwordEnv, *tokenEnv, *user, rest[0], in.UsesStdin())
	if err != nil {
		s.usageError("%v", err)
		return cli.ExitUsage
	}
	p := &mailsettings.Prober{Resolver: r, Dialer: dialer, TLSConfig: tlsConfig, Timeout: *nf.timeout}
	d := &mailsettings.Discoverer{Resolver: r, Dialer: dialer, TLSConfig: tlsConfig, Cache: mailsettings.NewCache(0, nil)}
	return runQueries(ctx, s, in, *nf.parallel, func(ctx context.Context, arg string) []loginOutput {
		tctx, cancel := context.WithTimeout(ctx, *nf.timeout)
		t, err := resolveTarget(tctx, arg, d)
		cancel()
		if err != nil {
			return []loginOutput{{Target: arg, ErrorKind: mailsettings.KindInvalidRequest, Message: err.Error()}}
		}
		var outs []loginOutput
		for _, ep := range loginEndpoints(t, *all) {
			c := creds
			if c.Username == "" {
				c.Username = t.settings.Username(ep)
			}
			if c.Username == "" {
				outs = append(outs, loginOutput{Target: arg, Endpoint: &ep, ErrorKind: mailsettings.KindInvalidRequest,
					Message: "no username: give an address, or -user"})
				continue
			}
			res, err := p.CheckLogin(ctx, ep, c)
			outs = append(outs, newLoginOutput(arg, ep, c.Username, res, err, s.lang))
		}
		return outs
	}, func(outs []loginOutput) bool {
		return anyFailed(outs, func(o loginOutput) bool { return o.OK })
	}, s.loginOutputs)
}

// secret returns the credentials to log in with: a token from tokenEnv,
// a password from passwordEnv, or a password typed at the prompt.
func (s *sub) secret(passwordEnv, tokenEnv, user, first string, stdinUsed bool) (mailsettings.Credentials, error) {
	c := mailsettings.Credentials{Username: user}
	if tokenEnv != "" {
		if c.OAuth2Token = s.e.getenv(tokenEnv); c.OAuth2Token == "" {
			return c, fmt.Errorf("$%s is empty or not set", tokenEnv)
		}
		return c, nil
	}
	if c.Password = s.e.getenv(passwordEnv); c.Password != "" {
		return c, nil
	}
	if s.e.readPassword == nil || stdinUsed {
		return c, fmt.Errorf("set $%s (a password is never taken from the command line; standard input is not a terminal or holds the targets)", passwordEnv)
	}
	who := user
	if who == "" {
		who = first
	}
	pw, err := s.e.readPassword(s.lang.T("login.prompt", "user", cli.Clean(who)) + " ")
	if err != nil || pw == "" {
		return c, fmt.Errorf("no password read (%v)", err)
	}
	c.Password = pw
	return c, nil
}

// loginEndpoints returns the endpoints to check for t: every one, or the
// best of each protocol.
func loginEndpoints(t target, all bool) []mailsettings.ServerEndpoint {
	if all || t.settings.Provider.IsZero() {
		return t.endpoints
	}
	var eps []mailsettings.ServerEndpoint
	for _, p := range []mailsettings.Protocol{mailsettings.IMAP, mailsettings.POP3, mailsettings.SMTP} {
		if e, ok := t.settings.Best(p); ok {
			eps = append(eps, e)
		}
	}
	return eps
}

// loginOutput is one line of login -json.
type loginOutput struct {
	Target      string                       `json:"target"`
	Endpoint    *mailsettings.ServerEndpoint `json:"endpoint,omitempty"`
	Username    string                       `json:"username,omitempty"`
	OK          bool                         `json:"ok"`
	ErrorKind   mailsettings.ErrorKind       `json:"error_kind"`
	Step        string                       `json:"step,omitempty"`
	Message     string                       `json:"message"`
	Explanation string                       `json:"explanation,omitempty"`
	Fix         string                       `json:"fix,omitempty"`
	Mechanism   string                       `json:"mechanism,omitempty"`
	ServerText  string                       `json:"server_text,omitempty"`
}

func newLoginOutput(target string, ep mailsettings.ServerEndpoint, user string, res *mailsettings.ProbeResult, err error, l cli.Lang) loginOutput {
	o := loginOutput{Target: target, Endpoint: &ep, Username: user, OK: err == nil, Message: "ok"}
	if err != nil {
		o.Message = err.Error()
		if pe, ok := errors.AsType[*mailsettings.ProbeError](err); ok {
			o.ErrorKind, o.Step = pe.Kind, pe.Step
			o.Explanation, o.Fix = pe.Explanation().In(l.Tag()), pe.Fix().In(l.Tag())
			o.ServerText = pe.ServerText
		}
	}
	if res != nil && res.Login != nil {
		o.Mechanism = res.Login.Mechanism
		if o.ServerText == "" {
			o.ServerText = res.Login.ServerText
		}
	}
	return o
}

// loginOutputs prints the outputs of one target.
func (s *sub) loginOutputs(outs []loginOutput) {
	if *s.json {
		writeJSON(s, outs)
		return
	}
	l := s.lang
	t := cli.Table{}
	t.Row(l.T("h.target"), l.T("h.endpoint"), l.T("h.username"), l.T("h.result"))
	var failures []string
	for _, o := range outs {
		ep := "-"
		if o.Endpoint != nil {
			ep = o.Endpoint.String()
		}
		verdict := l.T("ok") + ", " + l.T("login.accepted", "mechanism", cli.Clean(o.Mechanism))
		if !o.OK {
			verdict = l.T("fail") + " " + string(o.ErrorKind)
			if o.Explanation == "" {
				verdict += ": " + cli.Clean(o.Message)
			} else {
				failures = append(failures, failureBlock(o.Target, ep, o.ErrorKind, o.Explanation, o.Fix))
			}
		}
		t.Row(o.Target, ep, o.Username, verdict)
	}
	s.report(&t, failures)
}
