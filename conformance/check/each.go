package check

// This file runs one check over several subjects (the operations of a scope map) and
// reports each subject's verdict, the worst one deciding the check's.

import (
	"fmt"
	"strings"
)

// rank orders statuses for Each: a verdict that says something about the server beats a
// pass, a pass beats a skip (a skipped subject does not hide a verdict reached on another).
func rank(s Status) int {
	switch s {
	case StatusFail:
		return 4
	case StatusWarn:
		return 3
	case StatusPass:
		return 2
	case StatusInfo:
		return 1
	default:
		return 0
	}
}

// setSubject sets the subject of Each being run (0: none); see ClientID.
func (c *C) setSubject(n int) {
	c.mu.Lock()
	c.subject = n
	c.mu.Unlock()
}

// Each runs f once per subject, each run ending on its own (c.Fail, c.Skip, a failed
// Expect… end only that subject). With one subject the check ends exactly as that run did.
// With several, the worst verdict (fail, warn, pass, info, skip in that order) ends the
// check, and the detail names every subject with its verdict. With several subjects, each
// one's tokens carry a client of its own (ClientID).
func (c *C) Each(subjects []string, f func(i int)) {
	type outcome struct {
		status Status
		end    *checkEnd
	}
	outs := make([]outcome, len(subjects))
	worst := -1
	for i := range subjects {
		if len(subjects) > 1 {
			c.setSubject(i + 1)
		}
		end := c.protect(func() { f(i) })
		c.setSubject(0)
		st, _ := verdict(c.def.Level, end, nil)
		outs[i] = outcome{status: st, end: end}
		if worst < 0 || rank(st) > rank(outs[worst].status) {
			worst = i
		}
	}
	if worst < 0 {
		return
	}
	if len(subjects) == 1 {
		if e := outs[0].end; e != nil {
			panic(e)
		}
		return
	}
	var lines []string
	for i, s := range subjects {
		line := fmt.Sprintf("  %s: %s", s, strings.ToUpper(string(outs[i].status)))
		if e := outs[i].end; e != nil && i != worst {
			line += " — " + firstLine(e.msg)
		}
		lines = append(lines, line)
	}
	summary := fmt.Sprintf("per operation (%d):\n%s", len(subjects), strings.Join(lines, "\n"))
	w := outs[worst]
	if w.end == nil {
		c.Note("%s", summary)
		return
	}
	panic(&checkEnd{kind: w.end.kind, msg: subjects[worst] + ": " + w.end.msg + "\n" + summary})
}
