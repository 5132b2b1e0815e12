// The example programs are built and run here, offline: each answers from
// the built-in database.
package examples_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
)

// build compiles the example programs into a temporary directory.
func build(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go tool is needed to build the examples: %v", err)
	}
	dir := t.TempDir()
	cmd := exec.Command(goTool, "build", "-o", dir, "./setup", "./bulk", "./publish")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return dir
}

func runProgram(t *testing.T, dir, stdin string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(dir, args[0]), args[1:]...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func TestExamples(t *testing.T) {
	dir := build(t)

	out, err := runProgram(t, dir, "", "setup", "alice@qq.com")
	if err != nil || !strings.Contains(out, "incoming: IMAP imap.qq.com:993 implicit TLS as alice@qq.com") ||
		!strings.Contains(out, "outgoing: SMTP smtp.qq.com:465") || !strings.Contains(out, "authorization code") {
		t.Errorf("setup: %v\n%s", err, out)
	}
	if out, err := runProgram(t, dir, "", "setup"); err == nil {
		t.Errorf("setup without an address succeeded:\n%s", out)
	}

	out, err = runProgram(t, dir, "alice@qq.com\nBob <bob@gmail.com>\nal..ice@163.com\nx@unknown.example\n", "bulk")
	want := []string{
		"ok       alice@qq.com: QQ Mail",
		"ok       bob@gmail.com: Gmail",
		`invalid  mailsettings: invalid address or domain "al..ice@163.com": two dots in a row in local part`,
		"unknown  unknown.example",
	}
	if err != nil || strings.TrimSpace(out) != strings.Join(want, "\n") {
		t.Errorf("bulk: %v\n%s", err, out)
	}

	out, err = runProgram(t, dir, "", "publish", "例子.中国", "exmail")
	if err != nil {
		t.Fatalf("publish: %v\n%s", err, out)
	}
	info, err := mailsettings.AutoconfigParser{}.Parse(strings.NewReader(out))
	if err != nil || len(info.Domains) != 1 || info.Domains[0] != "xn--fsqu00a.xn--fiqs8s" || info.Endpoints[0].Host != "imap.exmail.qq.com" {
		t.Errorf("publish: %+v, %v\n%s", info, err, out)
	}
	if out, err := runProgram(t, dir, "", "publish", "example.com", "no-such-provider"); err == nil {
		t.Errorf("publish with an unknown provider succeeded:\n%s", out)
	}
}
