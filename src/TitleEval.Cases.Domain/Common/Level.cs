namespace TitleEval.Cases.Domain;

/// <summary>层级: the level of a professional title. 初级 (primary) = <see cref="Assistant"/> + <see cref="Junior"/>.</summary>
public enum Level
{
    /// <summary>正高级</summary>
    FullSenior,

    /// <summary>副高级</summary>
    DeputySenior,

    /// <summary>中级</summary>
    Intermediate,

    /// <summary>助理级</summary>
    Assistant,

    /// <summary>员级</summary>
    Junior,
}

/// <summary>How a series evaluates a level [001 四(二)].</summary>
public enum EvaluationMode
{
    /// <summary>评审: a committee reviews the application.</summary>
    Review,

    /// <summary>考评结合: review, and the applicant needs a valid exam pass.</summary>
    ExamPlusReview,

    /// <summary>以考代评: the exam replaces review; no application is evaluated.</summary>
    ExamReplacesReview,
}
