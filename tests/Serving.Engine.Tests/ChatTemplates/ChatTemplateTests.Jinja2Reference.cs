namespace Serving.Engine.Tests.ChatTemplates;

/// <summary>One case per Jinja construct, each checked against the independent reference engine.</summary>
public partial class ChatTemplateTests
{
    /// <summary>Expected values come from Python Jinja2 3.1.6 set up as transformers sets it up (sandboxed,
    /// trim_blocks, lstrip_blocks, loopcontrols, json.dumps-based tojson, the same two helper functions).</summary>
    [Theory]
    [InlineData("{{ 1 }}|{{ 1.0 }}|{{ 1.5e3 }}|{{ 1e-5 }}|{{ 123456789012345678.0 }}|{{ 0.1 + 0.2 }}|{{ -0.0 }}|{{ 3 / 2 }}|{{ 4 / 2 }}|{{ 7 // 2 }}|{{ -7 // 2 }}|{{ -7 % 3 }}|{{ 7 % -3 }}|{{ 2 ** 10 }}|{{ 2 ** -1 }}",
        "{}",
        "1|1.0|1500.0|1e-05|1.2345678901234568e+17|0.30000000000000004|-0.0|1.5|2.0|3|-4|2|-2|1024|0.5")]
    [InlineData("{{ none }}|{{ None }}|{{ true }}|{{ False }}|{{ [1, 'a', none, true] }}|{{ {'a': 1, 'b': [2]} }}|{{ (1, 2) }}|{{ (1,) }}|{{ () }}|{{ 'it''s' }}|{{ \"q'\" }}|{{ ['a\\nb', \"x'y\", 'z\"w'] }}",
        "{}",
        "None|None|True|False|[1, 'a', None, True]|{'a': 1, 'b': [2]}|(1, 2)|(1,)|()|its|q'|['a\\nb', \"x'y\", 'z\"w']")]
    [InlineData("{{ 'a' ~ 1 ~ none ~ undefined_var ~ [1] }}|{{ 'ab' * 3 }}|{{ 3 * 'x' }}|{{ [1] * 2 }}|{{ [1] + [2] }}|{{ 'a' + 'b' }}",
        "{}",
        "a1None[1]|ababab|xxx|[1, 1]|[1, 2]|ab")]
    [InlineData("{{ 'abc'[0] }}{{ 'abc'[-1] }}{{ 'abcdef'[1:3] }}{{ 'abcdef'[::-1] }}{{ 'abcdef'[::2] }}{{ [1,2,3,4][1:] }}{{ [1,2,3,4][:-1] }}{{ [1,2,3,4][::-1] }}{{ [1,2,3][5] is defined }}{{ 'x'[3:10] }}{{ [1,2,3,4,5][-2:] }}{{ [1,2,3,4,5][4:1:-2] }}",
        "{}",
        "acbcfedcbaace[2, 3, 4][1, 2, 3][4, 3, 2, 1]False[4, 5][5, 3]")]
    [InlineData("{{ '' != false }}|{{ 0 == false }}|{{ 1 == true }}|{{ '1' == 1 }}|{{ [1,2] == [1,2] }}|{{ {'a':1} == {'a':1} }}|{{ 1 == 1.0 }}|{{ 1 < 2 < 3 }}|{{ 3 > 2 > 5 }}|{{ 'a' < 'b' }}|{{ [1,2] < [1,3] }}|{{ none == none }}|{{ x == y }}",
        "{}",
        "True|True|True|False|True|True|True|True|False|True|True|True|True")]
    [InlineData("{{ 'a' in 'cat' }}|{{ 2 in [1,2] }}|{{ 'k' in {'k': 1} }}|{{ 'z' not in {'k': 1} }}|{{ 'x' in undefined_thing }}|{{ not [] }}|{{ not {} }}|{{ not '' }}|{{ not 0.0 }}|{{ [] or 'e' }}|{{ 'a' and 'b' }}|{{ 0 and 1 }}",
        "{}",
        "True|True|True|True|False|True|True|True|True|e|b|0")]
    [InlineData("{{ 'yes' if x else 'no' }}|{{ 'yes' if 1 }}|{{ 1 if 0 else 2 if 0 else 3 }}",
        "{}",
        "no|yes|3")]
    [InlineData("{{ '  a b  ' | trim }}|{{ 'xxaxx' | trim('x') }}|{{ 'hello world-foo bar(baz' | title }}|{{ 'hELLO' | capitalize }}|{{ 'aBc' | upper }}{{ 'aBc' | lower }}|{{ 'a-b-c' | replace('-', '+') }}|{{ 'aaa' | replace('a','b',2) }}|{{ none | string }}|{{ [1,'a'] | string }}|{{ 42 | string }}",
        "{}",
        "a b|a|Hello World-Foo Bar(Baz|Hello|ABCabc|a+b+c|bba|None|[1, 'a']|42")]
    [InlineData("{{ [3,1,2] | length }}|{{ 'héllo𝔘' | length }}|{{ {'a':1} | length }}|{{ x | length }}|{{ [3,1,2] | first }}|{{ [3,1,2] | last }}|{{ 'abc' | list }}|{{ {'a':1,'b':2} | list }}|{{ [1,2,3] | join('-') }}|{{ [1,none,'a'] | join }}|{{ [{'n':'a'},{'n':'b'}] | join(', ', attribute='n') }}",
        "{}",
        "3|6|1|0|3|2|['a', 'b', 'c']|['a', 'b']|1-2-3|1Nonea|a, b")]
    [InlineData("{{ {'b':1,'a':2} | items | list }}|{% for k, v in {'b':1,'a':2} | items %}{{k}}={{v}};{% endfor %}|{% for k, v in {'b':1,'a':2}.items() %}{{k}}={{v}};{% endfor %}|{{ {'b':1}.keys() | list }}|{{ {'b':1}.values() | list }}|{{ {'b':1}.get('b') }}|{{ {'b':1}.get('c') }}|{{ {'b':1}.get('c', 5) }}",
        "{}",
        "[('b', 1), ('a', 2)]|b=1;a=2;|b=1;a=2;|['b']|[1]|1|None|5")]
    [InlineData("{{ [1,2,3,4] | select('odd') | list }}|{{ [1,2,3,4] | reject('even') | list }}|{{ [0,1,'',none,'a'] | select | list }}|{{ msgs | selectattr('role','equalto','user') | list | length }}|{{ msgs | rejectattr('role','equalto','user') | map(attribute='role') | list }}|{{ msgs | map(attribute='role') | join(',') }}|{{ ['a','B'] | map('upper') | list }}|{{ msgs | selectattr('content') | list | length }}",
        "{\"msgs\": [{\"role\": \"system\", \"content\": \"  Sys  \"}, {\"role\": \"user\", \"content\": \"Hi é 𝔘𝔫𝔦\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": [1.5, \"x\"]}}}]}]}",
        "[1, 3]|[1, 3]|[1, 'a']|1|['system', 'assistant']|system,user,assistant|['A', 'B']|2")]
    [InlineData("{{ 'x' | tojson }}|{{ {'a': [1, 2.5, none, true, 'é<>&\\'\"'], 'b': {}} | tojson }}|{{ {'a': [1, {'c': []}], 'b': 'x'} | tojson(indent=2) }}|{{ [1,2] | tojson(indent=4) }}|{{ {'b':1,'a':2} | tojson(sort_keys=true) }}|{{ 'é\\n\\t\\u0001' | tojson }}|{{ msgs | tojson }}",
        "{\"msgs\": [{\"role\": \"system\", \"content\": \"  Sys  \"}, {\"role\": \"user\", \"content\": \"Hi é 𝔘𝔫𝔦\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": [1.5, \"x\"]}}}]}]}",
        "\"x\"|{\"a\": [1, 2.5, null, true, \"é<>&'\\\"\"], \"b\": {}}|{\n  \"a\": [\n    1,\n    {\n      \"c\": []\n    }\n  ],\n  \"b\": \"x\"\n}|[\n    1,\n    2\n]|{\"a\": 2, \"b\": 1}|\"é\\n\\t\\u0001\"|[{\"role\": \"system\", \"content\": \"  Sys  \"}, {\"role\": \"user\", \"content\": \"Hi é 𝔘𝔫𝔦\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": [1.5, \"x\"]}}}]}]")]
    [InlineData("{{ '42' | int }}|{{ '4.7' | int }}|{{ 'x' | int }}|{{ 'x' | int(7) }}|{{ 3.9 | int }}|{{ '3.5' | float }}|{{ 2 | float }}|{{ 2.5 | round }}|{{ 3.5 | round }}|{{ 2.567 | round(2) }}|{{ 2.5 | round(0, 'floor') }}|{{ 7 | round }}|{{ -3 | abs }}",
        "{}",
        "42|4|0|7|3|3.5|2.0|2.0|4.0|2.57|2.0|7|3")]
    [InlineData("{{ 'a\\nb\\n\\nc' | indent }}|{{ 'a\\nb' | indent(2, true) }}|{{ 'a\\n\\nb' | indent(2, blank=true) }}",
        "{}",
        "a\n    b\n\n    c|  a\n  b|a\n  \n  b")]
    [InlineData("{{ [3,1,2] | sort | list }}|{{ ['b','A','c'] | sort }}|{{ [3,1,2] | sort(reverse=true) }}|{{ [1,2,1,3] | unique | list }}|{{ [1,2,3] | sum }}|{{ [1,5,2] | max }}|{{ [4,1,2] | min }}|{{ [1,2] | reverse | list }}|{{ 'abc' | reverse }}",
        "{}",
        "[1, 2, 3]|['A', 'b', 'c']|[3, 2, 1]|[1, 2, 3]|6|5|1|[2, 1]|cba")]
    [InlineData("{{ none is none }}|{{ 1 is number }}|{{ true is number }}|{{ 'a' is string }}|{{ {} is mapping }}|{{ [] is iterable }}|{{ 'a' is iterable }}|{{ x is undefined }}|{{ 3 is odd }}|{{ 4 is even }}|{{ 6 is divisibleby 3 }}|{{ 2 is in [1,2] }}|{{ 'a' is equalto 'a' }}|{{ true is true }}|{{ 1 is true }}|{{ false is false }}|{{ 1 is boolean }}|{{ 1 is integer }}|{{ 1.0 is float }}|{{ [] is sequence }}|{{ 1 is not none }}|{{ 5 is gt 3 }}|{{ 'a' is lower }}|{{ none is sameas none }}",
        "{}",
        "True|True|True|True|True|True|True|True|True|True|True|True|True|True|False|True|False|True|True|True|True|True|True|True")]
    [InlineData("{% for x in [1,2,3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.previtem }}{{ loop.nextitem }};{% endfor %}",
        "{}",
        "1032TrueFalse32;2121FalseFalse313;3210FalseTrue32;")]
    [InlineData("{% for x in [] %}a{% else %}empty{% endfor %}|{% for x in [1,2,3,4,5] if x is odd %}{{ x }}{{ loop.index }}{{ loop.last }};{% endfor %}|{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}",
        "{}",
        "empty|11False;32False;53True;|13")]
    [InlineData("{% set x = 1 %}{% for i in [1,2] %}{% set x = x + i %}{{ x }}{% endfor %}|{{ x }}|{% set ns = namespace(v=0) %}{% for i in [1,2] %}{% set ns.v = ns.v + i %}{% endfor %}{{ ns.v }}|{% set a, b = 1, 2 %}{{ a }}{{ b }}|{% set t = (1, 2) %}{{ t[0] }}",
        "{}",
        "23|1|3|12|1")]
    [InlineData("{% set blk %}  x {{ 1 + 1 }}  {% endset %}[{{ blk }}]|{% set blk2 | trim | upper %}  abc  {% endset %}[{{ blk2 }}]|{% filter upper %}hello {{ 'w' }}{% endfilter %}",
        "{}",
        "[  x 2  ]|[ABC]|HELLO W")]
    [InlineData("{% macro m(a, b='B', c=none) %}[{{ a }}{{ b }}{{ c }}]{% endmacro %}{{ m(1) }}{{ m(1, 2) }}{{ m(1, c=3) }}{{ m() }}|{% macro r(n) %}{% if n > 0 %}{{ n }}{{ r(n - 1) }}{% endif %}{% endmacro %}{{ r(3) }}|{{ m('x') | length }}",
        "{}",
        "[1BNone][12None][1B3][BNone]|321|8")]
    [InlineData("{% if false %}a{% elif 0 %}b{% elif 'x' %}c{% else %}d{% endif %}|{% if [] %}a{% else %}b{% endif %}",
        "{}",
        "c|b")]
    [InlineData("{% for i in range(3) %}{{ i }}{% endfor %}|{{ range(1, 10, 3) | list }}|{{ range(5, 0, -2) | list }}|{{ dict(a=1, b=2) }}",
        "{}",
        "012|[1, 4, 7]|[5, 3, 1]|{'a': 1, 'b': 2}")]
    [InlineData("{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%Y-%m-%d %H:%M:%S %A %B %j %p %I %a %y %e %-d %-m %U %W %w %u %G %V %%') }}",
        "{}",
        "26 Jul 2024|2024-07-26 00:00:00 Friday July 208 AM 12 Fri 24 26 26 7 29 30 5 5 2024 30 %")]
    [InlineData("{{ '  a  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  a  '.lstrip() }}|{{ '  a  '.rstrip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'abc'.startswith('a') }}|{{ 'abc'.endswith(('x','c')) }}|{{ 'aBc'.upper() }}{{ 'aBc'.lower() }}|{{ 'a-b'.replace('-', '') }}|{{ 'hello wORLD'.title() }}|{{ 'hello'.capitalize() }}|{{ 'abc'.find('c') }}|{{ ', '.join(['a','b']) }}|{{ 'a'.split('</think>')[-1] }}",
        "{}",
        "a|a|a  |  a|['a', 'b', '', 'c']|['a', 'b']|['a', 'b c']|True|True|ABCabc|ab|Hello World|Hello|2|a, b|a")]
    [InlineData("  {% if true %}\n  x\n  {% endif %}\n  y  {{ 'z' }}  \n{# c #}\n  {#- c -#}  w\n",
        "{}",
        "  x\n  y  z  \nw")]
    [InlineData("a  {%- if true -%}  b  {%- endif -%}  c\n{{- ' d ' -}}\n e\n{%+ if true %}  f{% endif +%}\ng",
        "{}",
        "abc d e\n  f\ng")]
    [InlineData("{% for i in [1,2] %}\n  {{ i }}\n{% endfor %}\n",
        "{}",
        "  1\n  2\n")]
    [InlineData("line1\n    {% set x = 1 %}\nline2 {% set y = 2 %}\n  \t{% if true %}t{% endif %}\n\n",
        "{}",
        "line1\nline2 t")]
    [InlineData("{% raw %}{{ not parsed }}{% endraw %}|{%- raw -%}  a  {%- endraw -%}  |",
        "{}",
        "{{ not parsed }}|a|")]
    [InlineData("{{ messages[0]['role'] }}{{ messages[0].content | trim }}{{ messages[2].tool_calls[0].function.arguments | tojson }}{{ messages[2].content is none }}{{ messages[1].missing is defined }}{{ messages[-1]['role'] }}{% for m in messages %}{{ loop.index0 }}{{ m.role[0] }}{% endfor %}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"  Sys  \"}, {\"role\": \"user\", \"content\": \"Hi é 𝔘𝔫𝔦\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": [1.5, \"x\"]}}}]}]}",
        "systemSys{\"a\": 1, \"b\": [1.5, \"x\"]}TrueFalseassistant0s1u2a")]
    [InlineData("{{ 'x' ~ loop }}",
        "{}",
        "x")]
    [InlineData("{% set d = {'a': {'b': [10, 20]}} %}{{ d.a.b.1 }}|{{ d['a']['b'][0] }}|{{ d.a.items | default('none') is defined }}",
        "{}",
        "20|10|True")]
    [InlineData("{% set ns = namespace(items=[]) %}{% for i in [1,2] %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.items }}",
        "{}",
        "[1, 2]")]
    [InlineData("{{ {'a': 1}.items() | list }}|{{ {1: 'x', 'b': none} }}|{{ {'k': 'v'} | items | first }}",
        "{}",
        "[('a', 1)]|{1: 'x', 'b': None}|('k', 'v')")]
    [InlineData("{{ 'abc' | first }}|{{ [] | first is defined }}|{{ msgs | map(attribute='missing', default='D') | list }}",
        "{\"msgs\": [{\"role\": \"system\", \"content\": \"  Sys  \"}, {\"role\": \"user\", \"content\": \"Hi é 𝔘𝔫𝔦\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": [1.5, \"x\"]}}}]}]}",
        "a|False|['D', 'D', 'D']")]
    [InlineData("{{ '%d' }}|{{ 'a' 'b' }}|{{ 'x\\'y' }}|{{ \"a\\\\b\" }}|{{ '\\x41\\u00e9\\101' }}|{{ 'tab\\there' }}|{{ 'un\\known' }}",
        "{}",
        "%d|ab|x'y|a\\b|AéA|tab\there|un\\known")]
    [InlineData("{% for a in [[1,2],[3,4]] %}{% for b in a %}{{ loop.index }}{{ b }}{% endfor %}{{ loop.index }};{% endfor %}",
        "{}",
        "11221;13242;")]
    [InlineData("{% for k in {'x': 1, 'y': 2} %}{{ k }}{% endfor %}|{% for c in 'héy' %}{{ c }}.{% endfor %}",
        "{}",
        "xy|h.é.y.")]
    [InlineData("{{ 1.5 | string }}|{{ 1e20 }}|{{ 1e16 }}|{{ 1e15 }}|{{ 0.0001 }}|{{ 0.00001 }}|{{ 2.5e-7 }}|{{ 100.0 }}|{{ 1/3 }}|{{ 12345.6789 }}|{{ [1.0, 2.50] | tojson }}",
        "{}",
        "1.5|1e+20|1e+16|1000000000000000.0|0.0001|1e-05|2.5e-07|100.0|0.3333333333333333|12345.6789|[1.0, 2.5]")]
    [InlineData("{{ ['a','b'] | join(', ') | upper }}|{{ 'a' | upper ~ 'b' }}|{{ [1,2,3] | select('gt', 1) | list }}|{{ [1,2,3] | reject('in', [1]) | list }}",
        "{}",
        "A, B|Ab|[2, 3]|[2, 3]")]
    [InlineData("{{ x | items | list }}|{{ x | list }}|{{ x | join(',') }}|{% for i in x %}n{% else %}empty{% endfor %}",
        "{}",
        "[]|[]||empty")]
    [InlineData("{%- for m in messages -%}\n    {%- if m.role == 'user' -%}\n        U:{{ m.content }}\n    {%- elif m.role == 'system' %}\n        S:{{ m.content | trim }}\n    {% else %}\n        A\n    {%- endif %}\n{%- endfor %}\n",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"  Sys  \"}, {\"role\": \"user\", \"content\": \"Hi é 𝔘𝔫𝔦\"}, {\"role\": \"assistant\", \"content\": null, \"tool_calls\": [{\"id\": \"c1\", \"function\": {\"name\": \"f\", \"arguments\": {\"a\": 1, \"b\": [1.5, \"x\"]}}}]}]}",
        "        S:Sys\nU:Hi é 𝔘𝔫𝔦        A")]
    [InlineData("{{ 'a' if 'b' in 'abc' else 'c' }}|{{ [1, 2, 3][1:][0] }}|{{ ([1, 2] + [3]) | length }}|{{ 'x' ~ (1 if true else 2) }}",
        "{}",
        "a|2|3|x1")]
    [InlineData("{% set x = [1,2,3] %}{{ x[1:] }}{{ x[:1] }}{{ x[-1:] }}{{ x[::-1][0] }}{{ x[10:] }}{{ x[-10:1] }}",
        "{}",
        "[2, 3][1][3]3[][1]")]
    [InlineData("{% macro outer() %}[{{ caller_var }}]{% endmacro %}{% set caller_var = 'G' %}{{ outer() }}{% for caller_var in ['L'] %}{{ outer() }}{% endfor %}",
        "{}",
        "[G][G]")]
    [InlineData("{{ loop is defined }}|{% for x in [1] %}{{ loop.cycle('a','b') }}{{ loop.depth }}{% endfor %}",
        "{}",
        "False|a1")]
    [InlineData("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}], \"add_generation_prompt\": true, \"bos_token\": \"<|begin_of_text|>\"}",
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n<think>\nhmm\n</think>\n\nHello!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    [InlineData("{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}], \"add_generation_prompt\": false, \"bos_token\": \"<|begin_of_text|>\"}",
        "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nYou are helpful.<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n<think>\nhmm\n</think>\n\nHello!<|eot_id|><|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n")]
    [InlineData("a\r\nb\r\n{% if true %}\r\nc\r\n{% endif %}\r\n",
        "{}",
        "a\nb\nc\n")]
    [InlineData("x\n\n",
        "{}",
        "x\n")]
    [InlineData("x\n\n\n",
        "{}",
        "x\n\n")]
    [InlineData("{% if true %}\n\n  a\n{% endif %}",
        "{}",
        "\n  a\n")]
    [InlineData("\t{% if true %}x{% endif %}\n\t{{ 'y' }}\n",
        "{}",
        "x\ty")]
    [InlineData("a {# comment #}\n b\n  {# line comment #}\nc",
        "{}",
        "a  b\nc")]
    [InlineData("{%- if true %}   \n  {{- 'a' }}   {{- 'b' -}}   \n  {{ 'c' }}{% endif -%}   \n\n d",
        "{}",
        "abcd")]
    [InlineData("{% for i in [1,2] -%}\n  {{ i }}\n{%- endfor %}",
        "{}",
        "12")]
    [InlineData("{% for i in [1,2] %}{{ i }}\n{% endfor %}",
        "{}",
        "1\n2\n")]
    [InlineData("  {%- set x = 1 %}\n  {{ x }}\n",
        "{}",
        "  1")]
    [InlineData("{% macro m() -%}\n   body\n{%- endmacro %}\n[{{ m() }}]",
        "{}",
        "[body]")]
    [InlineData("{% if true %}  {% endif %}\n  {% if true %}a{% endif %}  \n",
        "{}",
        "  a  ")]
    [InlineData("{{ 'a' }}\n{{ 'b' }}\n",
        "{}",
        "a\nb")]
    [InlineData("pre {% if true %}\nmid\n{% endif %} post\n",
        "{}",
        "pre mid\n post")]
    [InlineData("{% set x %}\n  line\n{% endset %}[{{ x }}]",
        "{}",
        "[  line\n]")]
    [InlineData("{{ messages | selectattr('role', 'equalto', 'user') | map(attribute='content') | list | tojson }}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}, {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"n\": 1}}}]}, {\"role\": \"tool\", \"content\": \"{\\\"t\\\": 20}\"}, {\"role\": \"assistant\", \"content\": \"<think>ok</think>It is 20.\"}]}",
        "[\"Hi\", \"Weather?\"]")]
    [InlineData("{% for m in messages if m.role != 'system' %}{{ loop.index }}:{{ m.role }}{{ '|' if not loop.last }}{% endfor %}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}, {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"n\": 1}}}]}, {\"role\": \"tool\", \"content\": \"{\\\"t\\\": 20}\"}, {\"role\": \"assistant\", \"content\": \"<think>ok</think>It is 20.\"}]}",
        "1:user|2:assistant|3:user|4:assistant|5:tool|6:assistant")]
    [InlineData("{{ messages[1:3] | length }}{{ (messages | last).content }}{{ messages[0]['content'][:3] }}{{ messages | length > 3 }}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}, {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"n\": 1}}}]}, {\"role\": \"tool\", \"content\": \"{\\\"t\\\": 20}\"}, {\"role\": \"assistant\", \"content\": \"<think>ok</think>It is 20.\"}]}",
        "2<think>ok</think>It is 20.YouTrue")]
    [InlineData("{% set ns = namespace(found=false) %}{% for m in messages %}{% if m.tool_calls is defined %}{% set ns.found = true %}{% endif %}{% endfor %}{{ ns.found }}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}, {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"n\": 1}}}]}, {\"role\": \"tool\", \"content\": \"{\\\"t\\\": 20}\"}, {\"role\": \"assistant\", \"content\": \"<think>ok</think>It is 20.\"}]}",
        "True")]
    [InlineData("{{ tools[0].function.parameters.properties | items | map('first') | list }}{{ tools | tojson(indent=2) }}",
        "{\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather \\\"now\\\" & <later> °C\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}, \"n\": {\"type\": \"integer\", \"enum\": [1, 2]}}, \"required\": [\"city\"]}}}]}",
        "['city', 'n'][\n  {\n    \"type\": \"function\",\n    \"function\": {\n      \"name\": \"get_weather\",\n      \"description\": \"Weather \\\"now\\\" & <later> °C\",\n      \"parameters\": {\n        \"type\": \"object\",\n        \"properties\": {\n          \"city\": {\n            \"type\": \"string\"\n          },\n          \"n\": {\n            \"type\": \"integer\",\n            \"enum\": [\n              1,\n              2\n            ]\n          }\n        },\n        \"required\": [\n          \"city\"\n        ]\n      }\n    }\n  }\n]")]
    [InlineData("{{ messages[4].tool_calls[0].function.arguments.city }}{{ messages[4]['tool_calls'][0]['function']['name'] | upper }}",
        "{\"messages\": [{\"role\": \"system\", \"content\": \"You are helpful.\"}, {\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nhmm\\n</think>\\n\\nHello!\"}, {\"role\": \"user\", \"content\": \"Weather?\"}, {\"role\": \"assistant\", \"content\": \"\", \"tool_calls\": [{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\", \"n\": 1}}}]}, {\"role\": \"tool\", \"content\": \"{\\\"t\\\": 20}\"}, {\"role\": \"assistant\", \"content\": \"<think>ok</think>It is 20.\"}]}",
        "ParisGET_WEATHER")]
    [InlineData("{%- for message in messages %}{{- message.content if message.content is string else '' }}{%- endfor %}",
        "{\"messages\": [{\"role\": \"u\", \"content\": [\"x\"]}, {\"role\": \"u\", \"content\": \"y\"}]}",
        "y")]
    [InlineData("{{ 10 / 4 }}{{ 10 // 4 }}{{ 2 * 1.5 }}{{ 1 + true }}{{ 3 - 1.0 }}{{ -(1) }}{{ +2 }}{{ 7 % 2.5 }}{{ -7.5 // 2 }}",
        "{}",
        "2.523.022.0-122.0-4.0")]
    [InlineData("{{ 'a' < 'B' }}{{ 'é' > 'z' }}{{ '𝔘' > '￿' }}{{ [1, 'a'] == [1, 'a'] }}{{ (1, 2) == [1, 2] }}",
        "{}",
        "FalseTrueTrueTrueFalse")]
    [InlineData("{{ '%s-%d' % ('a', 3) }}|{{ '%05.1f|%-4s|%+d|%x|%%|%r' % (3.14159, 'ab', 5, 255, 'q') }}|{{ '%s' % [1, 2] }}|{{ '%(a)s=%(b)d' % {'a': 'k', 'b': 2} }}|{{ '%s and %s' | format('x', 'y') }}|{{ '%.2s' % 'abc' }}|{{ '%5d|%-5d|%05d' % (42, 42, -42) }}",
        "{}",
        "a-3|003.1|ab  |+5|ff|%|'q'|[1, 2]|k=2|x and y|ab|   42|42   |-0042")]
    [InlineData("{{ {'b': 1, 'A': 2, 'c': 0} | dictsort }}|{{ {'b': 1, 'A': 2, 'c': 0} | dictsort(true) }}|{{ {'b': 1, 'A': 2, 'c': 0} | dictsort(by='value', reverse=true) }}",
        "{}",
        "[('A', 2), ('b', 1), ('c', 0)]|[('A', 2), ('b', 1), ('c', 0)]|[('A', 2), ('b', 1), ('c', 0)]")]
    [InlineData("{% macro f(a, b=2, c='x') %}{{ a }}{{ b }}{{ c }}{% endmacro %}{{ f(1) }}{{ f(1, c='z') }}{{ f(a=5) }}{{ f(1, 2, 3) }}",
        "{}",
        "12x12z52x123")]
    [InlineData("{{ ['b','a'] | sort | join }}{{ [{'n': 2}, {'n': 1}] | sort(attribute='n') | map(attribute='n') | join }}{{ ['B','a','C'] | sort(case_sensitive=true) }}",
        "{}",
        "ab12['B', 'C', 'a']")]
    [InlineData("{% set x = {'a': {'b': 1}} %}{{ 'a' in x }}{{ x.a.b }}{{ x.get('a').b }}{{ x['a'].get('z', 'dz') }}",
        "{}",
        "True11dz")]
    [InlineData("{% macro box(title) %}[{{ title }}:{{ caller() }}]{% endmacro %}{% call box('t') %}inner {{ 1 + 1 }}{% endcall %}|{% macro each(xs) %}{% for x in xs %}{{ caller(x) }}{% endfor %}{% endmacro %}{% call(item) each([1, 2]) %}<{{ item }}>{% endcall %}",
        "{}",
        "[t:inner 2]|<1><2>")]
    [InlineData("{% set a = 'outer' %}{% with a = 'inner', b = a %}{{ a }}{{ b }}{% endwith %}{{ a }}|{% with %}{% set q = 1 %}{{ q }}{% endwith %}{{ q is defined }}",
        "{}",
        "innerouterouter|1False")]
    [InlineData("{{ '{} and {}'.format('a', 1) }}|{{ '{1}{0}{{x}}'.format('a', 'b') }}|{{ 'Hi {name}!'.format(name='Bob') }}|{{ '{}'.format(none) }}",
        "{}",
        "a and 1|ba{x}|Hi Bob!|None")]
    public void Render_Construct_MatchesPythonJinja2(string template, string variablesJson, string expected)
    {
        Assert.Equal(expected, Render(template, variablesJson));
    }
}
