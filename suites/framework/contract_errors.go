package framework

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// splitDeliberate separates the problems of a request the spec marked as
// deliberately invalid in those parts from the rest, which are harness bugs.
// A marked request that breaks none of its marked parts is a harness bug
// too: the spec no longer sends what it claims to test.
func splitDeliberate(ctx context.Context, err error) (problems []string, deliberate bool) {
	marked, _ := ctx.Value(invalidKey{}).(map[Invalid]bool)
	if err != nil {
		for _, e := range leaves(err) {
			if marked[partOf(e)] {
				deliberate = true
				continue
			}
			problems = append(problems, describe(e)...)
		}
	}
	if len(marked) > 0 && !deliberate {
		parts := make([]string, 0, len(marked))
		for p := range marked {
			parts = append(parts, string(p))
		}
		slices.Sort(parts)
		problems = append(problems, "marked deliberately invalid ("+strings.Join(parts, ", ")+") but follows the contract there")
	}
	return problems, deliberate
}

// leaves flattens the validator's MultiErrors into one error per problem
// area (security, one parameter, the body, the answer).
func leaves(err error) []error {
	var me openapi3.MultiError
	if errors.As(err, &me) && isMulti(err) {
		var out []error
		for _, e := range me {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}

func isMulti(err error) bool {
	_, ok := err.(openapi3.MultiError)
	return ok
}

func partOf(err error) Invalid {
	var sec *openapi3filter.SecurityRequirementsError
	if errors.As(err, &sec) {
		return InvalidAuth
	}
	var re *openapi3filter.RequestError
	if errors.As(err, &re) {
		switch {
		case re.Parameter != nil:
			return InvalidParams
		case re.RequestBody != nil:
			return InvalidBody
		}
	}
	return ""
}

// describe turns a validator error into short lines that say where the
// exchange broke the contract (kin-openapi's own messages dump the schema).
func describe(err error) []string {
	var out []string
	for _, e := range leaves(err) {
		var (
			sec  *openapi3filter.SecurityRequirementsError
			re   *openapi3filter.RequestError
			resp *openapi3filter.ResponseError
		)
		switch {
		case errors.As(e, &sec):
			for _, se := range sec.Errors {
				msg := se.Error()
				if errors.As(se, &re) && re.Err != nil {
					msg = re.Err.Error()
				}
				out = append(out, "security: "+msg)
			}
		case errors.As(e, &re):
			prefix := ""
			switch {
			case re.Parameter != nil:
				prefix = fmt.Sprintf("%s parameter %q", re.Parameter.In, re.Parameter.Name)
			case re.RequestBody != nil:
				prefix = "request body"
			}
			out = append(out, schemaLines(prefix, re.Reason, re.Err)...)
		case errors.As(e, &resp):
			prefix := "response body"
			if strings.Contains(resp.Reason, "header") || resp.Err == nil {
				prefix = resp.Reason
			}
			out = append(out, schemaLines(prefix, resp.Reason, resp.Err)...)
		default:
			out = append(out, e.Error())
		}
	}
	return out
}

// schemaLines describes the schema errors under err as
// `<prefix> property "a.b[0]": <reason>`, else `<prefix>: <reason>`.
func schemaLines(prefix, reason string, err error) []string {
	join := func(s string) string {
		if prefix == "" {
			return s
		}
		if s == "" {
			return prefix
		}
		return prefix + ": " + s
	}
	var schemaErrs []*openapi3.SchemaError
	var collect func(error)
	collect = func(e error) {
		var me openapi3.MultiError
		var se *openapi3.SchemaError
		switch {
		case e == nil:
		case isMulti(e) && errors.As(e, &me):
			for _, x := range me {
				collect(x)
			}
		case errors.As(e, &se):
			schemaErrs = append(schemaErrs, se)
		}
	}
	collect(err)
	if len(schemaErrs) == 0 {
		msg := reason
		if err != nil && (msg == "" || !strings.Contains(msg, err.Error())) {
			if msg != "" && msg != err.Error() {
				msg += ": "
			} else {
				msg = ""
			}
			msg += err.Error()
		}
		return []string{join(msg)}
	}
	var out []string
	for _, se := range schemaErrs {
		why := se.Reason
		if se.Origin != nil {
			why = se.Origin.Error()
		}
		if why == "" {
			why = fmt.Sprintf("does not match schema %q", se.SchemaField)
		}
		if p := pointer(se.JSONPointer()); p != "" {
			out = append(out, fmt.Sprintf("%s property %q: %s", prefix, p, why))
		} else {
			out = append(out, join(why))
		}
	}
	return out
}

// pointer writes a JSON pointer as a.b[0].c.
func pointer(path []string) string {
	var b strings.Builder
	for _, p := range path {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}
