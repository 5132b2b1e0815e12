package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/cli"
)

func TestLookupTable(t *testing.T) {
	o := runCmd(t, "lookup", "alice@qq.com", "qq.com", "例子.中国")
	if o.code != 1 {
		t.Errorf("exit %d, want 1 (例子.中国 is not in the table)", o.code)
	}
	for _, want := range []string{"alice@qq.com: qq.com, provider QQ Mail", "PROTOCOL", "imap.qq.com", "993", "implicit TLS",
		"alice@qq.com  ", "(the full address)", "EVIDENCE", "curated", "authorization code", "help: https://"} {
		if !strings.Contains(o.stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, o.stdout)
		}
	}
	if strings.Contains(o.stdout, "%EMAILADDRESS%") {
		t.Errorf("a placeholder in the table:\n%s", o.stdout)
	}
	// The error is on standard error only.
	if !strings.Contains(o.stderr, "例子.中国: mailsettings: domain not in the built-in database") || strings.Contains(o.stdout, "not in the built-in") {
		t.Errorf("stderr %q, stdout %q", o.stderr, o.stdout)
	}
}

func TestLookupJSON(t *testing.T) {
	o := runCmd(t, "lookup", "-json", "alice@qq.com", "QQ.COM.", "alice@")
	if o.code != 1 || o.stderr != "" {
		t.Errorf("exit %d, stderr %q", o.code, o.stderr)
	}
	got := jsonLines(t, o.stdout)
	if len(got) != 3 {
		t.Fatalf("%d lines, want 3:\n%s", len(got), o.stdout)
	}
	eps := got[0]["endpoints"].([]any)
	if got[0]["query"] != "alice@qq.com" || got[0]["domain"] != "qq.com" || got[0]["provider"].(map[string]any)["id"] != "qq" ||
		len(eps) != 4 || eps[0].(map[string]any)["username"] != "alice@qq.com" || eps[0].(map[string]any)["port"] != 993.0 {
		t.Errorf("first line: %v", got[0])
	}
	if got[1]["address"] != nil || eps == nil {
		t.Errorf("a domain query has an address: %v", got[1])
	}
	if len(got[2]) != 2 || got[2]["query"] != "alice@" || !strings.Contains(got[2]["error"].(string), "missing domain") {
		t.Errorf("failed query line: %v", got[2])
	}
}

// TestLookupJSONIsTheLibrarys: the fast encoder writes what
// Settings.MarshalJSON writes, cleaned, for addresses, domains and every
// provider of the table.
func TestLookupJSONIsTheLibrarys(t *testing.T) {
	queries := []string{"alice@qq.com", "qq.com", "Bob@Gmail.COM", "x@163.com", "user@yandex.ru", "hotmail.co.uk", "mailto:a@outlook.com"}
	for p := range mailsettings.Providers() {
		if d := p.Info().Domains; len(d) > 0 {
			queries = append(queries, "someone@"+d[0])
		}
	}
	var enc settingsEncoder
	for _, q := range queries {
		st, err := mailsettings.Lookup(q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		lib, err := st.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		want := cli.CleanJSON(lib)
		if got := enc.append(nil, st); !bytes.Equal(got, want) {
			t.Fatalf("%s:\n got %s\nwant %s", q, got, want)
		}
	}
}

// TestLookupStdin: "-" reads one query per line, and flags may follow.
func TestLookupStdin(t *testing.T) {
	o := opts{stdin: "alice@qq.com\n\nbob@gmail.com\r\nmailto:carol@163.com\n"}.run(t, "lookup", "-", "-json")
	got := jsonLines(t, o.stdout)
	if o.code != 0 || len(got) != 3 || got[1]["address"] != "bob@gmail.com" || got[2]["address"] != "carol@163.com" {
		t.Errorf("exit %d, lines %v, stderr %q", o.code, got, o.stderr)
	}
}

// TestLookupDashDash: after "--" an argument that looks like a flag is a
// query.
func TestLookupDashDash(t *testing.T) {
	o := runCmd(t, "lookup", "-json", "--", "-version")
	got := jsonLines(t, o.stdout)
	if o.code != 1 || len(got) != 1 || got[0]["query"] != "-version" || got[0]["error"] == nil {
		t.Errorf("exit %d, output %s", o.code, o.stdout)
	}
}

// TestLookupPasted: input as people paste it, and local parts RFC 5321
// does not allow, refused with the reason.
func TestLookupPasted(t *testing.T) {
	o := runCmd(t, "lookup", "-json", "mailto:alice@qq.com", "Alice <alice@qq.com>", "(alice@qq.com),", "al..ice@qq.com", "<alice>@qq.com", `"alice@qq.com`)
	got := jsonLines(t, o.stdout)
	if len(got) != 6 {
		t.Fatalf("%d lines:\n%s", len(got), o.stdout)
	}
	for i := range 3 {
		if got[i]["address"] != "alice@qq.com" {
			t.Errorf("%v: address %v", got[i]["query"], got[i]["address"])
		}
	}
	for i, reason := range map[int]string{3: "two dots in a row", 4: "'<'", 5: "unbalanced quote"} {
		if e, _ := got[i]["error"].(string); !strings.Contains(e, reason) {
			t.Errorf("%v: error %q, want %q", got[i]["query"], e, reason)
		}
	}
}

func TestLookupVersion(t *testing.T) {
	o := runCmd(t, "lookup", "-version")
	var version string
	var domains int
	if _, err := fmt.Sscanf(o.stdout, "mailsettings data %s %d domains", &version, &domains); err != nil || o.code != 0 {
		t.Fatalf("output %q (exit %d): %v", o.stdout, o.code, err)
	}
	if strings.TrimSuffix(version, ",") != mailsettings.DataVersion || domains != domainCount() {
		t.Errorf("output %q", o.stdout)
	}
}

// TestLookupLanguages: LANG picks Simplified or Traditional Chinese
// headers, labels and notes; -lang wins over the environment.
func TestLookupLanguages(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want []string
	}{
		{map[string]string{"LANG": "zh_CN.UTF-8"}, nil, []string{"协议", "主机", "端口", "加密", "用户名", "服务商 QQ邮箱", "依据", "提示（password）", "授权码", "隐式TLS", "帮助："}},
		{map[string]string{"LANG": "zh_TW.UTF-8"}, nil, []string{"協定", "主機", "連接埠", "使用者名稱", "服務商 QQ郵箱", "隱式TLS", "說明："}},
		{map[string]string{"LC_ALL": "zh_HK.UTF-8", "LANG": "en_US.UTF-8"}, nil, []string{"協定"}},
		{map[string]string{"LANG": "zh_CN.UTF-8"}, []string{"-lang", "en"}, []string{"PROTOCOL", "provider QQ Mail"}},
		{nil, []string{"-lang", "zh-TW"}, []string{"協定"}},
	} {
		o := opts{env: c.env}.run(t, append([]string{"lookup", "alice@qq.com"}, c.args...)...)
		for _, w := range c.want {
			if !strings.Contains(o.stdout, w) {
				t.Errorf("env %v %q: output lacks %q:\n%s", c.env, c.args, w, o.stdout)
			}
		}
	}
}

// TestLookupHostileInput: what the user typed is echoed cleaned, in the
// table's errors and in JSON.
func TestLookupHostileInput(t *testing.T) {
	evil := "\x1b[2J\u202ealice@qq.com\r\nsource builtin"
	for _, args := range [][]string{{"lookup", evil}, {"lookup", "-json", evil}} {
		o := runCmd(t, args...)
		for _, s := range []string{o.stdout, o.stderr} {
			if strings.ContainsAny(s, "\x1b\u202e\r") || strings.Count(s, "\n") > 1 {
				t.Errorf("%q: output %q", args, s)
			}
		}
	}
	o := runCmd(t, "lookup", "-json", "al\u202eice@qq.com")
	var m map[string]string
	if err := json.Unmarshal([]byte(o.stdout), &m); err != nil || strings.ContainsRune(m["query"], '\u202e') || strings.ContainsRune(m["error"], '\u202e') {
		t.Errorf("bidi control in JSON: %s", o.stdout)
	}
}
