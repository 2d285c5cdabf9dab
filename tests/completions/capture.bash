# usage: bash capture.bash SCRIPT WORD...   Completes the last WORD (may be empty)
# with the completion function SCRIPT registers for yardtop, as bash does on Tab,
# and prints each candidate on its own line.
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
COMPREPLY=()
fn=$(complete -p yardtop | sed -E 's/.*-F ([^ ]+).*/\1/')
"$fn" yardtop "${COMP_WORDS[$COMP_CWORD]}" "${COMP_WORDS[$COMP_CWORD-1]}"
printf '%s\n' "${COMPREPLY[@]}"
