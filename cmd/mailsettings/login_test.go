package main

import (
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/mailsettingstest"
)

// loginWorld is a fake provider for example.test, found over HTTPS
// autoconfig, with one user.
func loginWorld(t *testing.T) netBase {
	fake := mailsettingstest.NewProvider(t, "example.test", mailsettingstest.WithAutoconfig(),
		mailsettingstest.WithServerOptions(mailsettingstest.WithUsers(map[string]string{"alice@example.test": "right"})))
	return netBase{resolver: fake.Resolver, dialer: fake.Dialer(), tls: fake.ClientTLSConfig()}
}

// TestLoginJSON: the password comes from the environment; the best
// endpoint of each protocol is checked, and a wrong password is
// auth_rejected with an explanation.
func TestLoginJSON(t *testing.T) {
	base := loginWorld(t)
	o := opts{net: base, env: map[string]string{defaultPasswordEnv: "right"}}.run(t, "login", "-json", "alice@example.test")
	got := jsonLines(t, o.stdout)
	if o.code != 0 || len(got) != 3 {
		t.Fatalf("exit %d, %d lines (want IMAP, POP3, SMTP):\n%s\n%s", o.code, len(got), o.stdout, o.stderr)
	}
	for _, m := range got {
		if m["ok"] != true || m["username"] != "alice@example.test" || m["mechanism"] == "" || m["target"] != "alice@example.test" {
			t.Errorf("line %v", m)
		}
	}
	o = opts{net: base, env: map[string]string{"OTHER": "wrong"}}.run(t, "login", "-json", "-password-env", "OTHER", "alice@example.test")
	got = jsonLines(t, o.stdout)
	if o.code != 1 || len(got) != 3 {
		t.Fatalf("exit %d, %d lines:\n%s", o.code, len(got), o.stdout)
	}
	for _, m := range got {
		if m["ok"] != false || m["error_kind"] != "auth_rejected" || m["explanation"] == "" || m["fix"] == "" {
			t.Errorf("wrong password: %v", m)
		}
	}
	if strings.Contains(o.stdout+o.stderr, "wrong") {
		t.Error("the password was printed")
	}
}

// TestLoginPrompt: without the variable, the password is read at a
// terminal prompt (in the output language); with no terminal it is a
// usage error that never asks for the password on the command line.
func TestLoginPrompt(t *testing.T) {
	base := loginWorld(t)
	pw := "right"
	var prompts []string
	o := opts{net: base, password: &pw, prompts: &prompts, env: map[string]string{"LANG": "zh_CN.UTF-8"}}.run(t, "login", "alice@example.test")
	if o.code != 0 || len(prompts) != 1 || !strings.Contains(prompts[0], "alice@example.test 的密码") {
		t.Errorf("exit %d, prompts %q; stdout %s stderr %s", o.code, prompts, o.stdout, o.stderr)
	}
	for _, want := range []string{"目标", "端点", "用户名", "结果", "登录成功"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("table lacks %q:\n%s", want, o.stdout)
		}
	}
	o = opts{net: base}.run(t, "login", "alice@example.test")
	if o.code != 2 || !strings.Contains(o.stderr, defaultPasswordEnv) || o.stdout != "" {
		t.Errorf("no password: exit %d, stderr %q", o.code, o.stderr)
	}
	// With targets on standard input the terminal is not asked either.
	o = opts{net: base, password: &pw, stdin: "alice@example.test\n"}.run(t, "login", "-")
	if o.code != 2 {
		t.Errorf("targets on stdin without the variable: exit %d", o.code)
	}
}

// TestLoginNeedsUsername: a SCHEME://HOST target has no address to take
// the username from.
func TestLoginNeedsUsername(t *testing.T) {
	o := opts{env: map[string]string{defaultPasswordEnv: "x"}}.run(t, "login", "-json", "imaps://imap.example.test")
	got := jsonLines(t, o.stdout)
	if o.code != 1 || len(got) != 1 || got[0]["error_kind"] != "invalid_request" || !strings.Contains(got[0]["message"].(string), "-user") {
		t.Errorf("exit %d, %v", o.code, got)
	}
}
