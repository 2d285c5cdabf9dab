# usage: zsh -f capture.zsh DIR "command line": completes the line as zsh does on
# Tab, with _yardtop from DIR, in a pseudo-terminal (zpty), and prints each
# candidate; the end of the completion is signalled by comppostfuncs, not a timer.
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT=''; fpath=($1 \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'zstyle ":completion:*" list-grouped false; zstyle ":completion:*" format ""'
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits; builtin compadd -A __hits "$@"; local h; for h in $__hits; do print -r -- "<<HIT>>$h"; done
}'
zpty -w z '__done() { print -r -- "<<DONE>>" }; comppostfuncs=(__done)'
zpty -w z 'print -r -- "<<READY>>"'
zpty -r z line '*<<READY>>*'
zpty -r z line '*<<READY>>*'
zpty -w -n z "$2"$'\t'
while zpty -r z line; do
  [[ $line == *'<<DONE>>'* ]] && break
  [[ $line == *'<<HIT>>'* ]] && print -r -- "${${line##*<<HIT>>}%%$'\r'*}"
done
zpty -d z
