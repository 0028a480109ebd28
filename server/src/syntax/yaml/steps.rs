//! What the tree builder reads: the parts of a YAML event stream it uses, from either source.
//!
//! granit-parser reads any YAML; [`super::quick`] reads the common shape of Kubernetes files
//! several times faster and gives up on anything else. Both hand the builder the same [`Step`]s
//! (the quick reader's are checked against granit-parser's in tests), so the tree does not
//! depend on which one read the text.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, StrInput};

use crate::text::Span;

/// One event of a YAML stream, reduced to what the builder needs. Spans are byte ranges of the
/// text the source reads.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Step<'a> {
    /// A document begins at `at` (its `---` when `explicit`).
    DocumentStart { explicit: bool, at: usize },
    /// A document ends.
    DocumentEnd { span: Span },
    /// A comment, without its `#`.
    Comment { span: Span, text: Cow<'a, str> },
    /// A scalar: its value, style, YAML core tag (`str`, `int`, …) if tagged, and anchor id.
    Scalar {
        value: Cow<'a, str>,
        style: ScalarStyle,
        core_tag: Option<String>,
        anchor: usize,
        span: Span,
    },
    /// A sequence begins at `at`.
    SequenceStart { anchor: usize, at: usize },
    /// A mapping begins at `at`.
    MappingStart { anchor: usize, at: usize },
    /// The innermost collection ends; the span is empty for a block collection and covers the
    /// closing bracket of a flow one.
    End { span: Span },
    /// An alias of the anchor with this id.
    Alias { id: usize, span: Span },
    /// Stream start and end: nothing for the builder.
    Skip,
}

/// What a source gives next.
pub(super) enum Next<'a> {
    Step(Step<'a>),
    /// A syntax error (granit-parser only).
    Error(ScanError),
    /// The quick reader met something it does not read; the text must be read by granit-parser.
    GiveUp,
    /// The end of the stream.
    Done,
}

/// A source of [`Step`]s.
pub(super) trait Steps<'a> {
    fn next_step(&mut self) -> Next<'a>;
    /// After an error: skip to the next document; false when there is none.
    fn resume(&mut self) -> bool;
}

/// granit-parser's events as steps.
pub(super) struct GranitSteps<'a> {
    parser: Parser<'a, StrInput<'a>>,
}

impl<'a> GranitSteps<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        GranitSteps {
            parser: Parser::new_from_str(text),
        }
    }
}

impl<'a> Steps<'a> for GranitSteps<'a> {
    fn next_step(&mut self) -> Next<'a> {
        match self.parser.next_event() {
            None => Next::Done,
            Some(Err(err)) => Next::Error(err),
            Some(Ok((event, span))) => {
                let start = span.start.byte_offset().unwrap_or(0);
                let end = span.end.byte_offset().unwrap_or(0);
                let span = Span::new(start, end);
                Next::Step(match event {
                    Event::DocumentStart(explicit, _) => Step::DocumentStart {
                        explicit,
                        at: start,
                    },
                    Event::DocumentEnd => Step::DocumentEnd { span },
                    Event::Comment(text, _) => Step::Comment { span, text },
                    Event::Scalar(value, style, anchor, tag) => Step::Scalar {
                        value,
                        style,
                        core_tag: tag.and_then(|t| t.core_suffix().map(str::to_owned)),
                        anchor,
                        span,
                    },
                    Event::SequenceStart(_, anchor, _) => Step::SequenceStart { anchor, at: start },
                    Event::MappingStart(_, anchor, _) => Step::MappingStart { anchor, at: start },
                    Event::SequenceEnd | Event::MappingEnd => Step::End { span },
                    Event::Alias(id) => Step::Alias { id, span },
                    _ => Step::Skip,
                })
            }
        }
    }

    fn resume(&mut self) -> bool {
        matches!(self.parser.proceed_next_document(), Ok(true))
    }
}
