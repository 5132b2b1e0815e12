package mailsettings_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// goFile finds the file a README snippet names: a backticked path ending
// in .go.
var goFile = regexp.MustCompile("`([A-Za-z0-9_./-]+\\.go)`")

// TestREADMESnippets: every Go snippet of README.md is an excerpt of a
// compiled, tested file that the text just before it names (an Example
// function or a program under examples/), line for line, indentation
// aside.
func TestREADMESnippets(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readme), "\n")
	n := 0
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		start := i
		var snippet []string
		for i++; i < len(lines) && strings.TrimSpace(lines[i]) != "```"; i++ {
			snippet = append(snippet, strings.TrimSpace(lines[i]))
		}
		n++
		// The nearest file named in the text before the snippet.
		file := ""
		for j := start - 1; j >= 0 && j > start-8 && file == ""; j-- {
			if m := goFile.FindAllStringSubmatch(lines[j], -1); m != nil {
				file = m[len(m)-1][1]
			}
		}
		if file == "" {
			t.Errorf("README.md:%d: the text before the snippet names no .go file it comes from", start+1)
			continue
		}
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("README.md:%d: %v", start+1, err)
			continue
		}
		if !containsLines(strings.Split(string(src), "\n"), snippet) {
			t.Errorf("README.md:%d: the snippet is not an excerpt of %s:\n%s", start+1, file, strings.Join(snippet, "\n"))
		}
		if !strings.HasSuffix(file, "_test.go") && !strings.HasPrefix(file, "examples/") {
			t.Errorf("README.md:%d: %s is neither a test file nor a program under examples/", start+1, file)
		}
	}
	if n < 5 {
		t.Errorf("found only %d Go snippets in README.md", n)
	}
}

// containsLines reports whether want appears in src as consecutive lines,
// leading and trailing space aside.
func containsLines(src, want []string) bool {
	if len(want) == 0 {
		return false
	}
	for i := range src {
		if i+len(want) > len(src) {
			return false
		}
		ok := true
		for j, w := range want {
			if strings.TrimSpace(src[i+j]) != w {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

// TestREADMECommands: the README's two set-up commands are the ones that
// work on a fresh checkout, and CI runs the README's test command.
func TestREADMECommands(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"go run ./cmd/mailsettings lookup alice@qq.com", "go test -race -count=1 ./..."} {
		if !strings.Contains(string(readme), "\n"+cmd) {
			t.Errorf("README.md lacks the command %q at the start of a line", cmd)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(ci), "\ngo test -race -count=1 ./...") {
		t.Error(".ci/run does not run the README's test command")
	}
}
