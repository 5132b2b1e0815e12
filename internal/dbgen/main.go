// Command dbgen generates the built-in provider database of mailsettings,
// internal/db/db_gen.go, from the source snapshots in
// internal/dbgen/sources and the curated overlay in internal/db/curated:
//
//   - the Thunderbird ISP database (ispdb/, MPL-2.0), read with the
//     package's own autoconfig parser;
//   - the chatmail provider database (provider-db/, MPL-2.0): its domains,
//     servers, username patterns, hints and check dates;
//   - three permissive datasets (mailcore2/, k9/, nodemailer/), which only
//     corroborate: they add sources to endpoints the table has, and where
//     they state one it lacks, that is a disagreement for a person to
//     decide;
//   - the overlay: records written by people, each fact with its sources,
//     and the decisions about the generated data.
//
// Each endpoint is graded by its sources (see grade) and gets the newest
// date they vouch for. Output depends only on the repository's files, so
// that regenerating gives the same bytes; a test checks that the committed
// file is current.
//
// Usage, from anywhere inside the module:
//
//	go run ./internal/dbgen              # write internal/db/db_gen.go
//	go run ./internal/dbgen -o FILE      # write FILE instead ("-": standard output)
//	go run ./internal/dbgen -report      # print the disagreements; write nothing
//	go run ./internal/dbgen -report -v   # ... and everything the generator did and left out
//
// With -report, the exit status is 1 when some disagreement is undecided.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dbgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "write the source to this `file` (\"-\": standard output; default internal/db/db_gen.go)")
	report := fs.Bool("report", false, "print where the sources disagree with the table, and write nothing")
	verbose := fs.Bool("v", false, "with -report: also print what the generator did and left out")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 {
		fmt.Fprintln(stderr, "usage: dbgen [-o FILE] [-report [-v]]")
		return 2
	}
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	g, src, err := generate(root)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if *report {
		g.writeReport(stdout, *verbose)
		if _, _, undecided := g.counts(); undecided > 0 {
			return 1
		}
		return 0
	}
	domains := 0
	for _, p := range g.providers {
		domains += len(p.domains)
	}
	accepted, rejected, undecided := g.counts()
	fmt.Fprintf(stderr, "dbgen: %d providers, %d domains, %d MX rules; %d disagreements (%d accepted, %d rejected, %d undecided); %d entries left out; data %s\n",
		len(g.providers), domains, len(g.mx), len(g.disagreements), accepted, rejected, undecided, len(g.drops), g.version())
	switch *out {
	case "-":
		_, err = stdout.Write(src)
	case "":
		err = os.WriteFile(filepath.Join(root, "internal", "db", "db_gen.go"), src, 0o644)
	default:
		err = os.WriteFile(*out, src, 0o644)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}

// moduleRoot returns the directory of the mailsettings go.mod at or above
// the working directory.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(data), "module github.com/mailsettings/mailsettings\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("dbgen: not inside the mailsettings module")
		}
		dir = parent
	}
}

// generate reads everything under root and returns the generator's state
// and the formatted source of db_gen.go.
func generate(root string) (*generator, []byte, error) {
	return generateFrom(filepath.Join(root, "internal", "dbgen", "sources"), filepath.Join(root, "internal", "db", "curated"))
}

// generateFrom generates from the snapshots in sources and the overlay in
// curated.
func generateFrom(sources, curated string) (*generator, []byte, error) {
	g := &generator{}
	var err error
	if g.ispdb, err = readISPDB(filepath.Join(sources, "ispdb")); err != nil {
		return nil, nil, err
	}
	if g.pdb, err = readProviderDB(filepath.Join(sources, "provider-db")); err != nil {
		return nil, nil, err
	}
	var drops []drop
	if g.claims, drops, err = datasetsIn(sources); err != nil {
		return nil, nil, err
	}
	if g.overlay, err = readOverlay(curated); err != nil {
		return nil, nil, err
	}
	g.drops = append(append(g.drops, g.ispdb.dropped...), drops...)
	if err := g.run(); err != nil {
		return nil, nil, err
	}
	src, err := g.render()
	if err != nil {
		return nil, nil, fmt.Errorf("dbgen: formatting the output: %w", err)
	}
	return g, src, nil
}
