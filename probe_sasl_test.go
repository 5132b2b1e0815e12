package mailsettings_test

import (
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// TestCheckLoginSASLAsOffered logs in with the mechanism each server
// offers: SASL LOGIN where it is the only one (an IMAP server with only
// AUTH=LOGIN used to get auth_unavailable, a POP3 server with only SASL
// LOGIN got USER/PASS and a right password was reported auth_rejected),
// the protocol's own command only where the server allows it, and
// OAUTHBEARER (RFC 7628) before XOAUTH2 for a token.
func TestCheckLoginSASLAsOffered(t *testing.T) {
	tokens := map[string]string{"bob@example.test": "tok-123"}
	alice := mailsettings.Credentials{Username: "alice@example.test", Password: "right-password"}
	wrong := mailsettings.Credentials{Username: "alice@example.test", Password: "wrong"}
	bob := mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "tok-123"}
	bobExpired := mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: "expired"}
	cases := []struct {
		name  string
		proto mailsettings.Protocol
		opts  []mailsettingstest.Option
		cred  mailsettings.Credentials
		want  mailsettings.ErrorKind // "" for an accepted login
		mech  string                 // the mechanism used, "" when none was
	}{
		{"imap/login-only", imap, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), alice, "", "LOGIN"},
		{"imap/login-only/wrong", imap, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), wrong, mailsettings.KindAuthRejected, "LOGIN"},
		{"imap/plain-before-login", imap, opts(mailsettingstest.WithAuthMechanisms("LOGIN", "PLAIN")), alice, "", "PLAIN"},
		{"imap/no-sasl", imap, opts(mailsettingstest.WithAuthMechanisms()), alice, "", "IMAP-LOGIN"},
		{"imap/no-sasl/login-disabled", imap, opts(mailsettingstest.WithAuthMechanisms(), mailsettingstest.OnlySASL()), alice, mailsettings.KindAuthUnavailable, ""},
		{"imap/oauthbearer", imap, opts(mailsettingstest.WithAuthMechanisms("PLAIN", "XOAUTH2", "OAUTHBEARER")), bob, "", "OAUTHBEARER"},
		{"imap/oauthbearer/expired", imap, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER")), bobExpired, mailsettings.KindAuthRejected, "OAUTHBEARER"},
		{"imap/token-without-oauth", imap, opts(mailsettingstest.WithAuthMechanisms("PLAIN", "LOGIN")), bob, mailsettings.KindAuthUnavailable, ""},
		{"pop3/login-only", pop3, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), alice, "", "LOGIN"},
		{"pop3/login-only/wrong", pop3, opts(mailsettingstest.WithAuthMechanisms("LOGIN"), mailsettingstest.OnlySASL()), wrong, mailsettings.KindAuthRejected, "LOGIN"},
		{"pop3/sasl-before-user", pop3, opts(mailsettingstest.WithAuthMechanisms("LOGIN")), alice, "", "LOGIN"},
		{"pop3/user", pop3, opts(mailsettingstest.WithAuthMechanisms()), alice, "", "USER"},
		{"pop3/no-user-no-sasl", pop3, opts(mailsettingstest.WithAuthMechanisms(), mailsettingstest.OnlySASL()), alice, mailsettings.KindAuthUnavailable, ""},
		{"pop3/oauthbearer", pop3, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER", "XOAUTH2")), bob, "", "OAUTHBEARER"},
		{"pop3/oauthbearer/expired", pop3, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER")), bobExpired, mailsettings.KindAuthRejected, "OAUTHBEARER"},
		{"smtp/login-only", smtp, opts(mailsettingstest.WithAuthMechanisms("LOGIN")), alice, "", "LOGIN"},
		{"smtp/oauthbearer", smtp, opts(mailsettingstest.WithAuthMechanisms("XOAUTH2", "OAUTHBEARER")), bob, "", "OAUTHBEARER"},
		{"smtp/oauthbearer/expired", smtp, opts(mailsettingstest.WithAuthMechanisms("OAUTHBEARER")), bobExpired, mailsettings.KindAuthRejected, "OAUTHBEARER"},
		{"smtp/no-auth", smtp, opts(mailsettingstest.WithAuthMechanisms()), alice, mailsettings.KindAuthUnavailable, ""},
	}
	for _, c := range cases {
		for _, enc := range []mailsettings.Encryption{itls, stls} {
			t.Run(c.name+"/"+enc.String(), func(t *testing.T) {
				t.Parallel()
				srv := newServer(t, c.proto, enc, append(c.opts, mailsettingstest.WithUsers(users), mailsettingstest.WithOAuth2Tokens(tokens))...)
				res, err := checkLogin(t, srv, srv.Prober(), c.cred)
				if c.want == "" {
					if err != nil {
						t.Fatalf("CheckLogin: %v", err)
					}
				} else {
					wantKind(t, err, c.want)
				}
				switch {
				case c.mech == "" && res.Login != nil:
					t.Errorf("Login = %+v, want none", res.Login)
				case c.mech != "" && (res.Login == nil || res.Login.Mechanism != c.mech || res.Login.Accepted != (c.want == "")):
					t.Errorf("Login = %+v, want mechanism %s, accepted %v", res.Login, c.mech, c.want == "")
				}
				srv.Close()
				tr := srv.Transcript()
				for _, l := range tr.CredentialCommands() {
					if !l.AfterTLS {
						t.Errorf("credential command before TLS: %q", l.Text)
					}
				}
				if c.want == mailsettings.KindAuthUnavailable {
					checkSecretAbsent(t, tr, c.cred.Password+c.cred.OAuth2Token)
				}
			})
		}
	}
}

// TestCheckLoginLongInitialResponse: an initial response that would make
// the AUTH command longer than the protocol allows (RFC 4954: 512 octets
// for SMTP; RFC 5034: 255 for POP3) is sent after the server's empty
// challenge instead.
func TestCheckLoginLongInitialResponse(t *testing.T) {
	token := strings.Repeat("t", 600)
	for _, p := range []mailsettings.Protocol{pop3, smtp} {
		t.Run(p.String(), func(t *testing.T) {
			srv := newServer(t, p, itls, mailsettingstest.WithAuthMechanisms("XOAUTH2"),
				mailsettingstest.WithOAuth2Tokens(map[string]string{"bob@example.test": token}))
			res, err := checkLogin(t, srv, srv.Prober(), mailsettings.Credentials{Username: "bob@example.test", OAuth2Token: token})
			if err != nil || !res.Login.Accepted {
				t.Fatalf("CheckLogin: %v, login %+v", err, res.Login)
			}
			srv.Close()
			bare := false
			for _, l := range srv.Transcript().Lines() {
				if strings.HasPrefix(l.Text, "AUTH ") && len(l.Text) > 255 {
					t.Errorf("AUTH command of %d bytes: %.40q...", len(l.Text), l.Text)
				}
				bare = bare || l.Text == "AUTH XOAUTH2"
			}
			if !bare {
				t.Errorf("no bare AUTH XOAUTH2 command:\n%s", srv.Transcript())
			}
		})
	}
}
