package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/provision/provision/internal/manifest"
	"github.com/provision/provision/internal/redact"
)

// Annotation is one problem, for -o github: where it is (File empty when
// it is about no file) and what it is.
type Annotation struct {
	File      string
	Line, Col int
	Message   string
}

// GitHub writes one GitHub Actions workflow command per problem,
// "::error file=F,line=N,col=N::message", which the pull request shows on
// the line. Values are escaped as the runner requires (% CR LF, and in the
// properties : and ,), and control characters as everywhere else.
func GitHub(w io.Writer, problems []Annotation) error {
	for _, a := range problems {
		var props []string
		if a.File != "" {
			props = append(props, "file="+githubProperty(a.File))
			if a.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", a.Line))
			}
			if a.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", a.Col))
			}
		}
		cmd := "::error"
		if len(props) > 0 {
			cmd += " " + strings.Join(props, ",")
		}
		if _, err := fmt.Fprintf(w, "%s::%s\n", cmd, githubData(a.Message)); err != nil {
			return err
		}
	}
	return nil
}

// githubData escapes a workflow command's message.
func githubData(s string) string {
	s = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
	return redact.EscapeControls(s)
}

// githubProperty escapes a workflow command's property value.
func githubProperty(s string) string {
	return strings.NewReplacer(":", "%3A", ",", "%2C").Replace(githubData(s))
}

// GitHubError writes an error as annotations: one per manifest problem at
// its file:line:column, or the error's message alone.
func GitHubError(w io.Writer, err error) error {
	var ds manifest.Diagnostics
	if !errors.As(err, &ds) {
		return GitHub(w, []Annotation{{Message: err.Error()}})
	}
	var problems []Annotation
	for _, d := range ds {
		problems = append(problems, Annotation{File: d.Pos.File, Line: d.Pos.Line, Col: d.Pos.Column, Message: d.Msg})
	}
	return GitHub(w, problems)
}
