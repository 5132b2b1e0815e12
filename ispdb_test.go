package mailsettings_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/ispdbgen"
)

// ispdbSnapshot is the full ISPDB snapshot beside the repository. CI has
// it (CI=true); elsewhere the tests that need it are skipped.
const ispdbSnapshot = "../shared/ispdb"

func snapshotDir(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(ispdbSnapshot, "SOURCE")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but the ISPDB snapshot is missing: %v", err)
		}
		t.Skipf("no ISPDB snapshot at %s: %v", ispdbSnapshot, err)
	}
	return ispdbSnapshot
}

// TestISPDBGeneratedIsCurrent regenerates ispdb_gen.go from the snapshot
// and compares bytes with the committed file.
func TestISPDBGeneratedIsCurrent(t *testing.T) {
	dir := snapshotDir(t)
	res, err := ispdbgen.Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("ispdb_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Source, committed) {
		t.Fatalf("ispdb_gen.go differs from a regeneration from %s; run go generate", dir)
	}
	if res.Data != mailsettings.ISPDBData {
		t.Fatal("the committed ispdbData differs from the regenerated encoding")
	}
	checkDecodes(t, res)
	for _, d := range res.Dropped {
		t.Logf("dropped: %v", d)
	}
	if !strings.HasSuffix(mailsettings.DataVersion, "+ispdb."+res.Commit[:7]) {
		t.Errorf("DataVersion = %q, want it to name ISPDB commit %s", mailsettings.DataVersion, res.Commit[:7])
	}
}

// checkDecodes checks that the package decodes the data the generator
// wrote to exactly the providers it encoded, field by field.
func checkDecodes(t *testing.T, res *ispdbgen.Result) {
	t.Helper()
	got, err := mailsettings.DecodeISPDB(res.Data)
	if err != nil {
		t.Fatalf("decoding the generated data: %v", err)
	}
	if len(got) != len(res.Infos) || len(got) != res.Providers {
		t.Fatalf("decoded %d providers, the generator wrote %d (%d)", len(got), len(res.Infos), res.Providers)
	}
	for i := range got {
		if !reflect.DeepEqual(got[i], res.Infos[i]) {
			t.Errorf("provider %d decodes to\n%+v\nwant\n%+v", i, got[i], res.Infos[i])
		}
	}
}

// TestISPDBSampleDecodes encodes the sample folder and decodes it again;
// unlike TestISPDBGeneratedIsCurrent it needs no snapshot.
func TestISPDBSampleDecodes(t *testing.T) {
	res, err := ispdbgen.Generate("testdata/ispdb-sample")
	if err != nil {
		t.Fatal(err)
	}
	checkDecodes(t, res)
}

// ispdbDomains returns every domain listed by the autoconfig files in dir,
// read with the package's own parser.
func ispdbDomains(t *testing.T, dir string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.xml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no autoconfig files in %s (%v)", dir, err)
	}
	domains := map[string]string{}
	for _, f := range files {
		info := parseFile(t, f, "")
		for _, d := range info.Domains {
			domains[d] = filepath.Base(f)
		}
	}
	return domains
}

func parseFile(t *testing.T, name, domain string) mailsettings.ProviderInfo {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if domain == "" {
		domain = "placeholder.invalid" // so that %EMAILDOMAIN% hosts parse
	}
	info, err := mailsettings.AutoconfigParser{Domain: domain}.Parse(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return info
}

// TestEveryISPDBDomainIsKnown checks that the table covers every domain of
// the snapshot, whichever layer serves it.
func TestEveryISPDBDomainIsKnown(t *testing.T) {
	domains := ispdbDomains(t, snapshotDir(t))
	for d, file := range domains {
		if _, err := mailsettings.Lookup(d); err != nil {
			t.Errorf("Lookup(%q) (from %s) = %v", d, file, err)
		}
	}
	if n := mailsettings.DomainCount(); n < len(domains) {
		t.Errorf("DomainCount() = %d, want at least the %d ISPDB domains", n, len(domains))
	}
	t.Logf("%d ISPDB domains, %d in the table", len(domains), mailsettings.DomainCount())
}

// TestISPDBRoundTrip parses a sample of ISPDB files (testdata/ispdb-sample)
// and compares them host by host and port by port with what Lookup
// returns for each of their domains. Domains that a curated record
// overrides are compared with nothing but counted, and must stay a
// minority of the sample.
func TestISPDBRoundTrip(t *testing.T) {
	const dir = "testdata/ispdb-sample"
	files, _ := filepath.Glob(filepath.Join(dir, "*.xml"))
	compared, overridden := 0, 0
	for _, f := range files {
		for _, d := range parseFile(t, f, "").Domains {
			want := parseFile(t, f, d)
			s, err := mailsettings.Lookup(d)
			if err != nil {
				t.Errorf("Lookup(%q) (%s) = %v", d, filepath.Base(f), err)
				continue
			}
			got := s.Provider.Info()
			if !strings.HasPrefix(got.ID, ispdbgen.IDPrefix) {
				overridden++
				t.Logf("%s: %s is served by curated record %q", filepath.Base(f), d, got.ID)
				continue
			}
			compared++
			if !slices.Equal(got.Endpoints, want.Endpoints) {
				t.Errorf("%s: Lookup(%q) endpoints =\n%v\nparsed\n%v", filepath.Base(f), d, got.Endpoints, want.Endpoints)
			}
			if got.Password != want.Password || got.DocURL != want.DocURL || got.SettingsURL != want.SettingsURL ||
				!reflect.DeepEqual(got.OAuth2, want.OAuth2) || !reflect.DeepEqual(got.Notes, want.Notes) {
				t.Errorf("%s: Lookup(%q) account facts differ from the parsed file:\n%+v\n%+v", filepath.Base(f), d, got, want)
			}
		}
	}
	if compared < 100 || overridden > compared/4 {
		t.Errorf("compared %d domains, %d overridden; the sample no longer exercises the ISPDB layer", compared, overridden)
	}
}
