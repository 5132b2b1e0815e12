package mailsettings_test

import (
	"context"
	"crypto/tls"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

var users = map[string]string{"alice@example.test": "right-password"}

func checkLogin(t *testing.T, srv *mailsettingstest.Server, p *mailsettings.Prober, c mailsettings.Credentials) (*mailsettings.ProbeResult, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), longWait)
	defer cancel()
	return p.CheckLogin(ctx, srv.Endpoint(), c)
}

// TestCheckLogin logs in to every protocol in both TLS modes with a right
// and a wrong password and an OAuth2 token, and checks that every
// credential travelled only after TLS.
func TestCheckLogin(t *testing.T) {
	for _, p := range protocols {
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			t.Run(p.String()+"/"+enc.String(), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, p, enc, mailsettingstest.WithUsers(users),
					mailsettingstest.WithOAuth2Tokens(map[string]string{"bob@example.test": "tok-123"}))
				res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
				if err != nil {
					t.Fatalf("right password: %v", err)
				}
				if res.Login == nil || !res.Login.Accepted {
					t.Fatalf("Login = %+v, want accepted", res.Login)
				}
				_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "wrong"})
				wantKind(t, err, mailsettings.KindAuthRejected)
				res, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "tok-123"})
				if err != nil || res.Login.Mechanism != "XOAUTH2" {
					t.Fatalf("XOAUTH2: %v, login %+v", err, res.Login)
				}
				_, err = checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "expired"})
				wantKind(t, err, mailsettings.KindAuthRejected)
				srv.Close()
				tr := srv.Transcript()
				cmds := tr.CredentialCommands()
				if len(cmds) == 0 {
					t.Fatalf("no login commands in transcript:\n%s", tr)
				}
				for _, l := range cmds {
					if !l.AfterTLS {
						t.Errorf("credential sent before TLS: %q", l.Text)
					}
				}
				for _, c := range tr {
					if !c.AfterTLS && (strings.Contains(string(c.Data), "password") || strings.Contains(string(c.Data), "tok-123")) {
						t.Errorf("secret in plaintext: %q", c.Data)
					}
				}
			})
		}
	}
}

// TestCheckLoginNeverInPlaintext proves that credentials are withheld from
// a plaintext endpoint and from a TLS connection whose certificate was not
// verified, against servers that would accept them and record everything.
func TestCheckLoginNeverInPlaintext(t *testing.T) {
	self, err := mailsettingstest.SelfSigned("imap.example.test", "pop3.example.test", "smtp.example.test")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range protocols {
		t.Run(p.String()+"/plaintext", func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, p, plain, mailsettingstest.WithUsers(users))
			res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
			wantKind(t, err, mailsettings.KindAuthInsecure)
			if res.Login != nil {
				t.Errorf("Login = %+v", res.Login)
			}
			srv.Close()
			checkSecretAbsent(t, srv.Transcript(), "right-password")
		})
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			t.Run(p.String()+"/insecure-skip-verify/"+enc.String(), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, p, enc, mailsettingstest.WithUsers(users), mailsettingstest.WithCert(self))
				pr := &mailsettings.Prober{Resolver: srv.Resolver(), TLSConfig: &tls.Config{InsecureSkipVerify: true}}
				if _, err := checkLogin(t, srv, pr, mailsettings.Credentials{}); err == nil {
					t.Fatal("empty credentials accepted")
				}
				res, err := checkLogin(t, srv, pr, mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
				wantKind(t, err, mailsettings.KindAuthInsecure)
				if res.TLSVersion == 0 || res.Verified {
					t.Errorf("TLS %x verified %v, want unverified TLS", res.TLSVersion, res.Verified)
				}
				srv.Close()
				checkSecretAbsent(t, srv.Transcript(), "right-password")
			})
		}
	}
}

func checkSecretAbsent(t *testing.T, tr mailsettingstest.Transcript, secret string) {
	t.Helper()
	if cmds := tr.CredentialCommands(); len(cmds) > 0 {
		t.Errorf("login commands sent: %v", cmds)
	}
	if tr.Contains(secret) {
		t.Errorf("secret sent:\n%s", tr)
	}
}

// TestCheckLoginProviderHints checks the classification of real providers'
// rejections and that the provider's notes are added to the fix. The test
// servers take the providers' host names, with certificates from the test
// CA.
func TestCheckLoginProviderHints(t *testing.T) {
	cases := []struct {
		name  string
		proto mailsettings.Protocol
		enc   mailsettings.Encryption
		host  string
		reply string
		want  mailsettings.ErrorKind
		fix   string // in the English fix
		fixZH string // in the Chinese fix
	}{
		{"gmail-smtp-534", smtp, itls, "smtp.gmail.com", "534-5.7.9 Application-specific password required. For more information, go to\r\n534 5.7.9  https://support.google.com/mail/?p=InvalidSecondFactor",
			mailsettings.KindAuthAppPassword, "app password", "应用专用密码"},
		{"gmail-imap", imap, itls, "imap.gmail.com", "NO [ALERT] Application-specific password required: https://support.google.com/accounts/answer/185833 (Failure)",
			mailsettings.KindAuthAppPassword, "app password", "应用专用密码"},
		{"qq-smtp-535", smtp, itls, "smtp.qq.com", "535 Login Fail. Please enter your authorization code to login. More information in https://service.mail.qq.com/detail/0/53",
			mailsettings.KindAuthAppPassword, "authorization code", "授权码"},
		{"outlook-smtp-basic-disabled", smtp, stls, "smtp-mail.outlook.com", "535 5.7.139 Authentication unsuccessful, basic authentication is disabled.",
			mailsettings.KindAuthOAuth2Required, "OAuth2", "OAuth2"},
		{"outlook-imap-plain-no", imap, itls, "outlook.office365.com", "NO AUTHENTICATE failed.",
			mailsettings.KindAuthOAuth2Required, "OAuth2", "OAuth2"},
		{"netease-imap-rejected", imap, itls, "imap.163.com", "NO LOGIN Login error password error",
			mailsettings.KindAuthRejected, "authorization code", "授权码"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, c.proto, c.enc, mailsettingstest.WithHost(c.host), mailsettingstest.WithAuthFailure(c.reply))
			res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "account-password"})
			pe := wantKind(t, err, c.want)
			if res.Provider.IsZero() || pe.Provider.IsZero() {
				t.Fatalf("no provider found for %s", c.host)
			}
			if res.Login == nil || res.Login.Accepted {
				t.Errorf("Login = %+v", res.Login)
			}
			if fix := pe.Fix(); !strings.Contains(fix.String(), c.fix) || !strings.Contains(zhHans(fix), c.fixZH) {
				t.Errorf("Fix() = %+v, want %q / %q", fix, c.fix, c.fixZH)
			}
		})
	}
}

// TestCheckLoginIMAPID logs in to a server that, like NetEase, refuses
// logins without IMAP ID; the prober sends ID because the provider needs it.
func TestCheckLoginIMAPID(t *testing.T) {
	srv := newServer(t, imap, itls, mailsettingstest.WithHost("imap.163.com"), mailsettingstest.RequireIMAPID(), mailsettingstest.WithUsers(users))
	res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"})
	if err != nil {
		t.Fatalf("CheckLogin: %v", err)
	}
	if !res.Login.Accepted {
		t.Fatalf("Login = %+v", res.Login)
	}
	srv.Close()
	lines := srv.Transcript().Lines()
	id := slices.IndexFunc(lines, func(l mailsettingstest.Line) bool { return strings.Contains(l.Text, " ID ") })
	login := slices.IndexFunc(lines, func(l mailsettingstest.Line) bool { return strings.Contains(l.Text, "AUTHENTICATE") })
	if id < 0 || login < 0 || id > login {
		t.Errorf("ID at %d, login at %d, want ID first:\n%v", id, login, lines)
	}
}

// TestCheckLoginRefusesUnsafeCredentials checks that credentials that could
// inject a command (CR, LF or NUL, as in an IMAP LOGIN line or a POP3 USER
// line) or are empty are refused before anything is dialled.
func TestCheckLoginRefusesUnsafeCredentials(t *testing.T) {
	for _, c := range []mailsettings.Credentials{
		{Username: "", Password: "pw"},
		{Username: "alice@example.test"},
		{Username: "alice@example.test", Password: "pw\r\na2 DELETE INBOX"},
		{Username: "alice@example.test\r\nDELE 1", Password: "pw"},
		{Username: "alice@example.test", Password: "pw\nQUIT"},
		{Username: "alice@example.test", Password: "pw\x00admin"},
		{Username: "alice@example.test", OAuth2Token: "tok\r\nQUIT"},
	} {
		for _, p := range protocols {
			srv := newServer(t, p, itls, mailsettingstest.WithUsers(users))
			_, err := checkLogin(t, srv, srv.Prober(), c)
			wantKind(t, err, mailsettings.KindInvalidRequest)
			srv.Close()
			if n := srv.Connections(); n != 0 {
				t.Errorf("%s %q: %d connections, want none; transcript:\n%s", p, c.Password, n, srv.Transcript())
			}
		}
	}
}
