package main

import (
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

func TestListAll(t *testing.T) {
	o := runCmd(t, "list", "-json")
	got := jsonLines(t, o.stdout)
	n := 0
	for range mailsettings.Providers() {
		n++
	}
	if o.code != 0 || len(got) != n {
		t.Fatalf("exit %d, %d lines for %d providers", o.code, len(got), n)
	}
	domains := 0
	passwords := map[string]int{}
	for _, m := range got {
		domains += len(m["domains"].([]any))
		passwords[m["password"].(string)]++
	}
	if domains != domainCount() {
		t.Errorf("%d domains listed, Domains() yields %d", domains, domainCount())
	}
	// The password field has the library's JSON codes, "unknown" for the
	// zero kind; every code occurs in the data.
	for _, k := range []string{"unknown", "account-password", "app-password", "authorization-code", "oauth2-only"} {
		if passwords[k] == 0 {
			t.Errorf("no provider with password %q (%v)", k, passwords)
		}
		delete(passwords, k)
	}
	if len(passwords) > 0 {
		t.Errorf("password codes %v are not the library's", passwords)
	}
}

func TestListFilter(t *testing.T) {
	o := opts{stdin: "gmail.com\n"}.run(t, "list", "-json", "qq", "-")
	got := jsonLines(t, o.stdout)
	ids := map[string]bool{}
	for _, m := range got {
		ids[m["id"].(string)] = true
	}
	if o.code != 0 || !ids["qq"] || !ids["gmail"] || len(ids) > 10 {
		t.Errorf("exit %d, ids %v", o.code, ids)
	}
	// A filter that matches nothing fails, on standard error.
	o = runCmd(t, "list", "qq", "no-such-provider-anywhere")
	if o.code != 1 || !strings.Contains(o.stderr, "no-such-provider-anywhere: no provider or domain matches") || !strings.Contains(o.stdout, "qq.com") {
		t.Errorf("exit %d, stdout %q, stderr %q", o.code, o.stdout, o.stderr)
	}
}

func TestListDomains(t *testing.T) {
	o := runCmd(t, "list", "-domains", "-json", "QQ")
	got := jsonLines(t, o.stdout)
	found := false
	for _, m := range got {
		if m["domain"] == "foxmail.com" && m["provider_id"] == "qq" && m["unicode_domain"] == "foxmail.com" {
			found = true
		}
	}
	if o.code != 0 || !found {
		t.Errorf("exit %d, %v", o.code, got)
	}
	o = opts{env: map[string]string{"LANG": "zh_CN.UTF-8"}}.run(t, "list", "-domains", "qq")
	if !strings.HasPrefix(o.stdout, "域名") || !strings.Contains(o.stdout, "foxmail.com") {
		t.Errorf("zh table:\n%s", o.stdout)
	}
	o = opts{env: map[string]string{"LANG": "zh_TW.UTF-8"}}.run(t, "list", "outlook")
	if !strings.Contains(o.stdout, "名稱") || !strings.Contains(o.stdout, "（共 ") {
		t.Errorf("zh-Hant table:\n%s", o.stdout)
	}
}
