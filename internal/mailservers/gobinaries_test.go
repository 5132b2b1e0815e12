package mailservers

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings/internal/testenv"
)

func TestGoServerBinaryMissing(t *testing.T) {
	for _, s := range []goServer{moxServer(), maddyServer()} {
		t.Run(s.name, func(t *testing.T) {
			missing := filepath.Join(t.TempDir(), "no-such-"+s.name)
			t.Setenv(s.env, missing)

			t.Setenv("CI", "")
			f := &testenv.Recorder{TB: t}
			if got := GoServerBinary(f, s.name); got != "" {
				t.Errorf("GoServerBinary = %q for a missing binary", got)
			}
			if f.FatalMsg != "" || !strings.Contains(f.SkipMsg, missing) || !strings.Contains(f.SkipMsg, buildHint) || !strings.Contains(f.SkipMsg, s.env) {
				t.Errorf("without CI: skipped=%q fatal=%q, want a skip naming %s, %s and %s", f.SkipMsg, f.FatalMsg, missing, buildHint, s.env)
			}

			t.Setenv("CI", "true")
			f = &testenv.Recorder{TB: t}
			GoServerBinary(f, s.name)
			if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, missing) {
				t.Errorf("with CI=true: skipped=%q fatal=%q, want a failure naming %s", f.SkipMsg, f.FatalMsg, missing)
			}
		})
	}
}

func TestGoServerBinaryDefaultPath(t *testing.T) {
	// Without the environment variable, the binary is looked for where
	// the build script puts it, below os.UserCacheDir.
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv(MoxEnv, "")
	t.Setenv("CI", "")
	want := filepath.Join(cache, "mailsettings-mailservers", "mox-"+MoxVersion, "mox")
	f := &testenv.Recorder{TB: t}
	GoServerBinary(f, "mox")
	if !strings.Contains(f.SkipMsg, want) {
		t.Errorf("skipped=%q fatal=%q, want a skip naming %s", f.SkipMsg, f.FatalMsg, want)
	}

	writeScript(t, want, "#!/bin/sh\necho "+MoxVersion+"-go1.26\n")
	f = &testenv.Recorder{TB: t}
	if got := GoServerBinary(f, "mox"); got != want || f.SkipMsg != "" || f.FatalMsg != "" {
		t.Errorf("GoServerBinary = %q (skipped=%q fatal=%q), want %s", got, f.SkipMsg, f.FatalMsg, want)
	}
}

func TestGoServerBinaryWrongVersion(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "maddy")
	writeScript(t, bin, "#!/bin/sh\necho v0.7.0 linux/amd64\n")
	t.Setenv(MaddyEnv, bin)
	t.Setenv("CI", "")
	f := &testenv.Recorder{TB: t}
	GoServerBinary(f, "maddy")
	if f.SkipMsg != "" || !strings.Contains(f.FatalMsg, "v0.7.0") || !strings.Contains(f.FatalMsg, MaddyVersion) {
		t.Errorf("skipped=%q fatal=%q, want a failure naming both versions", f.SkipMsg, f.FatalMsg)
	}

	f = &testenv.Recorder{TB: t}
	GoServerBinary(f, "postfix")
	if !strings.Contains(f.FatalMsg, "postfix") {
		t.Errorf("unknown server: fatal=%q", f.FatalMsg)
	}
}

func writeScript(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o755); err != nil {
		t.Fatal(err)
	}
}

// TestBuildScriptVersions checks that .ci/build-mailservers.sh builds the
// versions the harness expects, into the directory it looks in.
func TestBuildScriptVersions(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", ".ci", "build-mailservers.sh"))
	if err != nil {
		t.Fatal(err)
	}
	script := string(b)
	for _, want := range []string{
		"\nMOX_VERSION=" + MoxVersion + "\n",
		"\nMADDY_VERSION=" + MaddyVersion + "\n",
		`cache="${XDG_CACHE_HOME:-$HOME/.cache}/` + cacheSubdir + `"`,
		"export " + MoxEnv + "=",
		"export " + MaddyEnv + "=",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("build-mailservers.sh lacks %q", want)
		}
	}
	if !regexp.MustCompile(`\$cache/\$name-\$version/\$name`).MatchString(script) {
		t.Error("build-mailservers.sh does not build into $cache/NAME-VERSION/NAME")
	}
}
