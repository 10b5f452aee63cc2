import Testing
@testable import Topologies

@Test func scratchProbe() {
    let head = "application-id: shop\nsources:\n  in: { topic: input }\npipelines:\n  p:\n    from: in\n    steps:\n"
    let cases: [String] = [
        head + "      - map-values: { a: value.x, b: 1, a: 2 }\n      - to: out\n",
        head + "      - filter: value.a\n        filter: value.b\n      - to: out\n",
        head + "      - name: p.1.filter\n        filter: true\n      - filter: false\n",
        head + "      - merge: [in, [x]]\n      - merge: []\n      - branch: {}\n",
        head + "      - name: only-name\n      - {}\n",
        head + "      - filter: true\n        reason: x\n",
        head + "      - log:\n      - peek: hello\n      - to: { topik: x }\n",
        head + "      - filter: value.naïve == \"é\" and ) \n",
        "application-id: shop\nsources:\n  in: &src { topic: input }\n  in2: *src\npipelines:\n  p:\n    from: [in, in2]\n    steps:\n\t- to: out\n",
        "application-id: shop\nsources:\n  in: &src { topic: input }\n  in2: *src\npipelines:\n  p:\n    from: []\n    steps:\n      - to: out\n",
        "- a\n- b\n",
        "application-id: 5\nname: [x]\nsources: {}\npipelines: []\n",
        "application-id: ok\nsources:\n  in:\n    topic: a\n    event-time: \"value.ts +\"\n  in:\n    topic: b\npipelines:\n  p:\n    from: in\n    steps:\n      - to: x\n",
        head + "      - flat-map: { key: item }\n      - flat-map: { items: value.x, value: [item, index, idx] }\n      - require: { reason: 5 }\n",
        head + "      - branch:\n          a:\n            when: true\n            steps: [ { to: x } ]\n          a:\n            when: false\n            steps: [ { to: y } ]\n",
        "application-id: ok\nsources:\n  in:\n    topic: a\npipelines:\n  p:\n    from: in\n    steps:\n      - to: x\n    steps:\n      - to: y\n",
    ]
    for (index, yaml) in cases.enumerated() {
        print("=== case \(index)")
        print(yaml)
        print("---")
        print(parseErrors(yaml).joined(separator: "\n"))
    }
}
