package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// counts returns the disagreements: accepted, rejected and undecided.
func (g *generator) counts() (accepted, rejected, undecided int) {
	for _, d := range g.disagreements {
		switch {
		case d.decision == nil:
			undecided++
		case d.decision.Decision == "accept":
			accepted++
		default:
			rejected++
		}
	}
	return
}

// writeReport prints where the sources disagree with the table: every
// endpoint a source states for a provider's domains that the provider
// lacks, with the decision taken about it or "UNDECIDED". With verbose it
// also prints what the generator did (domains served by other records,
// MX keys, records left out) and what it dropped.
func (g *generator) writeReport(w io.Writer, verbose bool) {
	accepted, rejected, undecided := g.counts()
	fmt.Fprintf(w, "dbgen report: %d disagreements between a source and the table: %d accepted, %d rejected, %d undecided\n",
		len(g.disagreements), accepted, rejected, undecided)
	for _, d := range g.disagreements {
		verdict := "UNDECIDED"
		if d.decision != nil {
			if !verbose {
				continue
			}
			verdict = d.decision.Decision + "ed (" + d.decision.Why + ")"
		}
		var has []string
		for _, e := range d.provider.endpoints {
			if e.proto == d.ep.Protocol {
				has = append(has, e.key.String()+" ("+levelName(grade(e.sources))+")")
			}
		}
		if has == nil {
			has = []string{"nothing for this protocol"}
		}
		fmt.Fprintf(w, "%s: %s says %s for %s (%s); the table has %s\n",
			verdict, d.src.Ref, keyOf(d.ep), d.provider.id, strings.Join(shorten(d.domains, 4), " "), strings.Join(has, ", "))
	}
	if undecided > 0 {
		fmt.Fprintf(w, "\nDecide each UNDECIDED line in internal/db/curated (a \"claims\" entry: accept or reject, with why and sources), then regenerate.\n")
	}
	if !verbose {
		return
	}
	fmt.Fprintf(w, "\nwhat the generator did:\n")
	for _, n := range g.notes {
		fmt.Fprintln(w, "  "+n)
	}
	fmt.Fprintf(w, "\nleft out:\n")
	for _, d := range g.drops {
		fmt.Fprintln(w, "  "+d.String())
	}
}

// shorten keeps the first n items and says how many more there are.
func shorten(items []string, n int) []string {
	if len(items) <= n {
		return items
	}
	return append(slices.Clone(items[:n]), fmt.Sprintf("and %d more", len(items)-n))
}
