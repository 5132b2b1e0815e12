package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

func TestRunTable(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"alice@qq.com", "例子.中国"}, &out, &errOut); code != 1 {
		t.Errorf("exit status = %d, want 1 (the second query is unknown)", code)
	}
	for _, want := range []string{"provider QQ Mail", "imap.qq.com", "993", "implicit TLS", "alice@qq.com", "authorization code", "例子.中国: mailsettings: domain not in the built-in database"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

func TestRunJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run([]string{"-json", "alice@qq.com", "QQ.COM.", "alice@"}, &out, &errOut)
	if code != 1 {
		t.Errorf("exit status = %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3:\n%s", len(lines), out.String())
	}
	var ok struct {
		Query, Domain string
		Provider      struct{ ID string }
		Endpoints     []struct {
			Protocol, Host, Encryption, Username string
			Port                                 int
		}
		Notes []json.RawMessage
	}
	if err := json.Unmarshal([]byte(lines[0]), &ok); err != nil {
		t.Fatal(err)
	}
	if ok.Query != "alice@qq.com" || ok.Domain != "qq.com" || ok.Provider.ID != "qq" || len(ok.Endpoints) != 4 ||
		ok.Endpoints[0].Username != "alice@qq.com" || ok.Endpoints[0].Port != 993 || len(ok.Notes) == 0 {
		t.Errorf("first line = %s", lines[0])
	}
	// Exact field names: the untagged struct above matches them
	// case-insensitively, so check the keys themselves.
	var raw map[string]json.RawMessage
	if err := json.Unmarshal([]byte(lines[0]), &raw); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"query", "domain", "provider", "endpoints", "notes"} {
		if raw[k] == nil {
			t.Errorf("first line has no %q field: %s", k, lines[0])
		}
	}
	var eps []map[string]json.RawMessage
	if err := json.Unmarshal(raw["endpoints"], &eps); err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		for _, k := range []string{"protocol", "host", "port", "encryption", "username"} {
			if e[k] == nil {
				t.Errorf("endpoint has no %q field: %s", k, raw["endpoints"])
			}
		}
	}
	var fail map[string]string
	if err := json.Unmarshal([]byte(lines[2]), &fail); err != nil {
		t.Fatal(err)
	}
	if fail["query"] != "alice@" || !strings.Contains(fail["error"], "missing domain") || len(fail) != 2 {
		t.Errorf("failed query line = %s", lines[2])
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(nil, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "usage") {
		t.Errorf("no arguments: status %d, stderr %q", code, errOut.String())
	}
}

func TestRunVersion(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"-version"}, &out, &errOut); code != 0 {
		t.Fatalf("exit status = %d, want 0; stderr %s", code, errOut.String())
	}
	var version string
	var domains int
	if _, err := fmt.Sscanf(out.String(), "mailsettings data %s %d domains", &version, &domains); err != nil {
		t.Fatalf("output %q: %v", out.String(), err)
	}
	if strings.TrimSuffix(version, ",") != mailsettings.DataVersion || domains != mailsettings.DomainCount() || domains < 1000 {
		t.Errorf("output %q, want version %s and %d domains (at least 1000)", out.String(), mailsettings.DataVersion, mailsettings.DomainCount())
	}
}
