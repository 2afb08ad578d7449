//! English phrasebook (customers in Singapore, Australia, the UK and the US; a few
//! Singaporean messages mix in Chinese).

use super::text::{Phrasebook, Script};

pub const BOOK: Phrasebook = Phrasebook {
    scripts: [
        // Refund
        Script {
            open: &[
                "Hi, I'd like a refund for order {order}",
                "The {product} isn't what I expected. Can I get a refund?",
                "When will my refund arrive? I requested it a week ago",
                "My refund request was rejected, why? Order {order}",
                "Hi, can help check my refund? 谢谢",
            ],
            detail: &["Order number is {order}", "I paid {amount}", "It's unopened, still sealed"],
            first: &[
                "Hi {customer}, this is {agent}. Could you share your order number please?",
                "Hello! I've got your refund request, let me check order {order} for you",
                "Hi, thanks for reaching out. Let me look into the refund status for you",
            ],
            ask: &[
                "OK, how long until I get the money back?",
                "Will it go back to my credit card?",
                "Do I need to ship it back? To which address?",
            ],
            answer: &[
                "Your refund of {amount} has been issued, it takes 3-5 business days to show up",
                "Please send the item back first; the return label is in your email",
                "Return shipping is on us, just put order {order} on the parcel",
                "The refund was processed today, banks usually take 1-3 business days",
            ],
            close: &[
                "Anything else I can help with? Have a great day!",
                "You'll get an email as soon as the refund goes through. Thanks for your patience",
            ],
            note: &[
                "Refund approval requested, ticket {ticket}",
                "Customer chasing refund for the 2nd time, asked finance to expedite",
                "Outside the 30-day window, refund approved as a goodwill gesture",
            ],
        },
        // Shipping
        Script {
            open: &[
                "Where is my order {order}? It still hasn't shipped",
                "Tracking {tracking} hasn't updated in days",
                "When will the {product} arrive?",
                "It says delivered but I never got the package",
            ],
            detail: &["Tracking number is {tracking}", "You said it would ship within 48 hours"],
            first: &[
                "Hi, let me check the tracking for you, one moment",
                "Hi {customer}, I'm {agent}. Can you give me the order number so I can chase the courier?",
            ],
            ask: &["Will it come today? I'm travelling tomorrow", "Can you chase the courier?"],
            answer: &[
                "I've contacted the courier, parcel {tracking} is out for delivery today",
                "The warehouse shipped it this morning, tracking {tracking}",
                "I've opened a trace with the carrier, they'll reply within 24 hours",
                "It was left with the building reception, could you check with them?",
            ],
            close: &["Let us know if anything goes wrong with the delivery", "Enjoy your order!"],
            note: &["Carrier trace opened, ticket {ticket}", "Warehouse missed the item, reshipping"],
        },
        // Invoice
        Script {
            open: &[
                "Hi, can I get an invoice for order {order}?",
                "I need a VAT invoice with our company name on it",
                "The invoice has the wrong company address, can you reissue it?",
                "Still waiting for last month's invoice, our accounts team is asking",
            ],
            detail: &["Company: Brightwave Trading Pte Ltd", "Just email it to me please"],
            first: &[
                "Hi, sure, please send me the company name and tax ID for the invoice",
                "Hi, this is {agent}. Happy to help with the invoice, which order is it for?",
            ],
            ask: &["How long does it take?", "Can you split it into two invoices?"],
            answer: &[
                "Done, the invoice will reach your inbox within 1-3 business days",
                "I've reissued the invoice for {amount} and voided the old one",
                "For a tax invoice I'll need your billing address as well",
            ],
            close: &["You'll get the invoice by email. Thanks for waiting!"],
            note: &["Invoice reissue requested from finance, ticket {ticket}"],
        },
        // Complaint
        Script {
            open: &[
                "I want to make a complaint. The {product} broke after three days",
                "Your support has been terrible, I'd like to file a complaint",
                "I waited an hour and nobody answered. This is a formal complaint",
                "Third time contacting you about this. Complaint!",
            ],
            detail: &["My previous ticket was {ticket}, nobody followed up", "I want a full refund"],
            first: &[
                "I'm really sorry about this experience. I'm {agent} and I'll own this until it's fixed",
                "Hi, I completely understand your frustration. Could you tell me what happened?",
            ],
            ask: &["So what are you going to do about it?", "I don't want a replacement, refund me"],
            answer: &[
                "I've escalated this, a team lead will call you within 24 hours",
                "As an apology we've issued a {amount} credit to your account",
                "Your complaint is logged and the team will be briefed. Sorry again",
            ],
            close: &["Again, my apologies. We'll update you as soon as we have news"],
            note: &["Angry customer, complaint escalated to team lead, ticket {ticket}"],
        },
        // Address
        Script {
            open: &[
                "I entered the wrong address for order {order}, can you change it?",
                "I've moved, how do I update my delivery address?",
                "Can I still change the shipping address? Hasn't shipped yet",
            ],
            detail: &["New address: {address}", "Same phone number"],
            first: &[
                "Hi, let me check whether it has shipped already",
                "Hi {customer}, I'm {agent}. Please send me the new address and a phone number",
            ],
            ask: &["Will that delay the delivery?", "Please hurry, it ships today"],
            answer: &[
                "Updated, the delivery address is now: {address}",
                "It has already left the warehouse, I've asked the courier to redirect it",
                "Address updated, the delivery date doesn't change",
            ],
            close: &["All set, the address has been changed"],
            note: &["Shipped order, redirect requested with the courier", "New address: {address}"],
        },
        // Defect
        Script {
            open: &[
                "My {product} won't charge anymore",
                "The {product} arrived with a scratch on it",
                "The {product} keeps disconnecting from Bluetooth",
            ],
            detail: &["Photo attached", "Bought it less than a month ago"],
            first: &[
                "Sorry to hear that! Could you send a photo or a short video?",
                "Hi, I'm {agent}. Have you tried holding the power button for 10 seconds?",
            ],
            ask: &["Tried that, still not working", "Is it covered by the warranty?"],
            answer: &[
                "Confirmed defect, I've arranged a replacement that ships within 2 days",
                "It's under warranty, the repair address is in your email",
                "Please update the firmware first and try again",
            ],
            close: &["You'll get the replacement's tracking number by email"],
            note: &["Possible batch issue, reported to QA", "Replacement order {ticket}"],
        },
        // Account / payment
        Script {
            open: &[
                "My payment keeps failing",
                "I can't log in, the verification code never arrives",
                "I was charged but the order says unpaid",
            ],
            detail: &["Charged {amount}, screenshot attached", "Paid with PayPal"],
            first: &["Hi, which payment method did you use?", "Hi, I'm {agent}. What's the email on your account?"],
            ask: &["Still no code", "When do I get the double charge back?"],
            answer: &[
                "The payment went through, I've refreshed the order status",
                "The duplicate charge will be reversed automatically within 24 hours",
                "I've reset it, please try logging in again",
            ],
            close: &["Sorted! Reach out if anything else looks off"],
            note: &["Payment callback lost, engineering ticket {ticket}"],
        },
        // Presales
        Script {
            open: &[
                "Is there a discount on the {product} right now?",
                "What's the difference between the {product} and the previous model?",
                "Is the {product} in stock? When would it ship?",
            ],
            detail: &["My budget is around {amount}", "Looking to buy two"],
            first: &[
                "Hi! I'm {agent}. The {product} is in stock and ships within 48 hours",
                "Hi, thanks for your interest! It's on promotion now at {amount}",
            ],
            ask: &["Any better price?", "Which colours are there?", "How long is the warranty?"],
            answer: &[
                "That's the best price, but I can add an extra year of warranty",
                "Black, white and blue. Blue is the most popular",
                "One year warranty, and 30-day returns",
            ],
            close: &["Here's the link to order, ping me anytime"],
            note: &["Hot lead, likely to order this week", "Comparing prices, sent a voucher"],
        },
        // Quote
        Script {
            open: &[
                "We'd like a quote for {qty} units of the {product}",
                "What's your wholesale price for {qty} pieces?",
                "Do you offer net-30 terms for business orders?",
            ],
            detail: &["We're a retailer looking for a long-term supplier"],
            first: &[
                "Hi, I'm {agent} from the business team. For {qty} units we can do {amount} each",
                "Thanks for the enquiry! Could you share your company details? I'll prepare a quote",
            ],
            ask: &["Can you do better on price?", "Please email the quote", "What are the terms?"],
            answer: &[
                "The quote is in your inbox, valid for 15 days",
                "Above {qty} units we can take another {discount}% off",
                "30% upfront for the first order, net-30 after that",
            ],
            close: &["Looking forward to working with you!"],
            note: &["Large lead, {qty} units, quote sent", "Asked for net-30, needs finance OK"],
        },
    ],
    bot: &[
        "Hi there! Thanks for your message, an agent will be with you shortly",
        "[Auto-reply] We've received your message. Live support hours: 9am-9pm",
        "We're experiencing high volumes, please describe your issue while you wait",
    ],
    bot_email: &["[Auto-reply] Thanks for contacting us. We'll get back to you within 24 hours"],
    nudge: &["Hello?", "Anyone there?", "Still waiting...", "Hi, any update?"],
    thanks: &["Thanks!", "Great, thank you", "Cheers", "ok thx", "Perfect, appreciate it"],
    reopen: &["Hi again, the problem is back", "Still no refund on my card", "This isn't fixed"],
    reopen_answer: &["So sorry about that, let me look at it again", "I'm on it, checking now"],
    reopen_update: &[
        "Hi {customer}, I've reopened case {ticket} with an update for you",
        "Hi, following up on your earlier request, there's news",
    ],
    follow_up: &[
        "Hi {customer}, just checking in on the quote I sent. Any questions?",
        "Hi, the promotion on the {product} ends tomorrow, shall I reserve one for you?",
        "Hi {customer}, did you get a chance to review the quote?",
    ],
    follow_up_reply: &[
        "Still discussing internally, will get back next week",
        "We'd like to go ahead, how do we pay?",
        "Yes please, reserve it",
    ],
    handover: &["Hi, I'm {agent}, I'll be taking over from here", "Hi, {agent} here, I've read the history"],
    reasons: [
        &["Routing to the right team", "Sales enquiry", "After-sales issue"],
        &["Complaint escalation", "Refund needs manager approval"],
        &["Bulk purchase interest, handing to sales", "Support issue, handing to care"],
        &["Shift change", "Going on leave"],
    ],
    ops_note: &["Verified customer identity, routing", "VIP, prioritise", "Duplicate contact, merged"],
    csat: [
        &["Took way too long", "Problem not solved", "Not helpful"],
        &["OK I guess", "A bit slow", "Solved but too many steps"],
        &["Very helpful, thanks!", "Quick and friendly", "Great service", "Thanks {agent}!"],
    ],
    agent_fix: &[
        ("I've noted order {order_typo}", "I've noted order {order}"),
        ("Your refund of {amount_typo} is on its way", "Your refund of {amount} is on its way"),
    ],
    customer_fix: &[("order {order_typo}", "order {order}"), ("I paid {amount_typo}", "I paid {amount}")],
    recall: &["omw, see you at 7", "[photo]", "love you too"],
    wrong: &["Hi, your parcel has been delivered, please confirm", "Your invoice is attached"],
    sorry: &["Sorry, that message was meant for someone else", "Apologies, please ignore my last message"],
};
