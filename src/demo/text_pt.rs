//! Portuguese phrasebook (mostly Brazilian customers, informal WhatsApp style).

use super::text::{Phrasebook, Script};

pub const BOOK: Phrasebook = Phrasebook {
    scripts: [
        // Refund
        Script {
            open: &[
                "Oi, quero pedir o reembolso do pedido {order}",
                "O {product} não era o que eu esperava, posso ter reembolso?",
                "Quando cai o meu reembolso? Pedi faz uma semana",
                "Meu pedido de reembolso foi negado, por quê? Pedido {order}",
            ],
            detail: &["O número do pedido é {order}", "Paguei {amount} no cartão"],
            first: &[
                "Olá {customer}, aqui é {agent}! Pode me passar o número do pedido?",
                "Oi! Recebi seu pedido de reembolso, vou verificar o pedido {order}",
            ],
            ask: &["Quanto tempo demora?", "Volta no cartão?", "Preciso devolver o produto?"],
            answer: &[
                "Reembolso de {amount} solicitado, aparece na fatura em até 2 faturas",
                "Precisa devolver primeiro, o código de postagem foi para o seu e-mail",
                "O frete de devolução é por nossa conta, informe o pedido {order} no pacote",
            ],
            close: &["Posso ajudar em algo mais? Tenha um ótimo dia!"],
            note: &["Reembolso enviado para aprovação, ticket {ticket}", "Cliente cobrando pela 2a vez"],
        },
        // Shipping
        Script {
            open: &[
                "Cadê meu pedido {order}? Ainda não foi enviado",
                "O rastreio {tracking} não atualiza faz dias",
                "Quando chega o {product}?",
                "Diz que foi entregue mas não recebi nada",
            ],
            detail: &["Código de rastreio {tracking}", "Disseram que enviava em 48 horas"],
            first: &[
                "Oi, vou verificar o rastreio pra você, um momento",
                "Olá {customer}, sou {agent}. Me passa o número do pedido?",
            ],
            ask: &["Chega hoje?", "Dá pra cobrar a transportadora?"],
            answer: &[
                "Falei com os Correios, o objeto {tracking} saiu para entrega hoje",
                "O pedido foi despachado hoje de manhã, rastreio {tracking}",
                "Abri uma reclamação com a transportadora, retorno em até 24 horas",
            ],
            close: &["Qualquer problema com a entrega é só chamar"],
            note: &["Pedido de informação aberto nos Correios, ticket {ticket}"],
        },
        // Invoice
        Script {
            open: &[
                "Preciso da nota fiscal do pedido {order}",
                "A nota fiscal saiu com o CNPJ errado, dá pra corrigir?",
                "Vocês emitem invoice para empresa?",
            ],
            detail: &["CNPJ 12.345.678/0001-90", "Pode mandar por e-mail"],
            first: &["Oi! Me passa o CNPJ e a razão social, por favor", "Olá, aqui é {agent}, qual o pedido?"],
            ask: &["Demora quanto?", "Sai com o valor do frete?"],
            answer: &[
                "Pronto, a nota fiscal chega no seu e-mail em até 3 dias úteis",
                "Cancelei a nota antiga e emiti uma nova de {amount}",
            ],
            close: &["A nota vai por e-mail, obrigado pela paciência!"],
            note: &["Reemissão de NF solicitada ao financeiro, ticket {ticket}"],
        },
        // Complaint
        Script {
            open: &[
                "Quero fazer uma reclamação, o {product} quebrou em três dias",
                "Atendimento péssimo, vou registrar reclamação",
                "Terceira vez que entro em contato e nada resolvido! Reclamação",
            ],
            detail: &["O protocolo anterior era {ticket}", "Quero o reembolso total"],
            first: &[
                "Sinto muito pela experiência, sou {agent} e vou acompanhar seu caso até o fim",
                "Oi, entendo sua frustração. Pode me contar o que aconteceu?",
            ],
            ask: &["E aí, vão fazer o quê?", "Não quero troca, quero o dinheiro de volta"],
            answer: &[
                "Escalei o caso, um supervisor vai te ligar em até 24 horas",
                "Como pedido de desculpas, liberamos um crédito de {amount}",
            ],
            close: &["Mais uma vez, desculpe. Te aviso assim que tiver novidades"],
            note: &["Cliente muito irritado, reclamação escalada, ticket {ticket}"],
        },
        // Address
        Script {
            open: &[
                "Coloquei o endereço errado no pedido {order}, dá pra mudar?",
                "Mudei de casa, como altero o endereço de entrega?",
            ],
            detail: &["Novo endereço: {address}"],
            first: &["Oi, vou ver se já foi despachado", "Olá, sou {agent}. Me manda o novo endereço"],
            ask: &["Vai atrasar a entrega?", "Por favor rápido, envia hoje"],
            answer: &[
                "Endereço atualizado para: {address}",
                "Já foi despachado, pedi para a transportadora redirecionar",
            ],
            close: &["Tudo certo, endereço alterado!"],
            note: &["Pedido já despachado, redirecionamento solicitado", "Novo endereço: {address}"],
        },
        // Defect
        Script {
            open: &["Meu {product} não carrega mais", "O {product} chegou arranhado"],
            detail: &["Segue a foto", "Comprei faz menos de um mês"],
            first: &[
                "Poxa, sinto muito! Pode mandar uma foto ou vídeo?",
                "Oi, sou {agent}. Já tentou segurar o botão por 10 segundos?",
            ],
            ask: &["Já tentei, não funciona", "Tá na garantia?"],
            answer: &[
                "Confirmado o defeito, enviamos um novo em até 2 dias",
                "Está na garantia, o endereço da assistência foi por e-mail",
            ],
            close: &["O rastreio do produto novo vai por e-mail"],
            note: &["Possível problema de lote, avisado o controle de qualidade"],
        },
        // Account / payment
        Script {
            open: &["O pagamento no Pix não confirmou", "Não consigo entrar na minha conta"],
            detail: &["Paguei {amount}, segue o comprovante"],
            first: &["Oi, qual forma de pagamento você usou?", "Olá, sou {agent}. Qual o e-mail da conta?"],
            ask: &["Ainda não chegou o código", "Quando volta a cobrança duplicada?"],
            answer: &[
                "O pagamento foi confirmado, atualizei o status do pedido",
                "A cobrança duplicada é estornada automaticamente em 24 horas",
            ],
            close: &["Resolvido! Qualquer coisa é só chamar"],
            note: &["Pix sem confirmação, chamado para engenharia {ticket}"],
        },
        // Presales
        Script {
            open: &[
                "O {product} tá com desconto?",
                "Qual a diferença do {product} para o modelo anterior?",
                "Tem {product} a pronta entrega?",
            ],
            detail: &["Meu orçamento é uns {amount}", "Parcela em quantas vezes?"],
            first: &[
                "Oi! Sou {agent}. Temos o {product} em estoque, envio em 48 horas",
                "Olá, obrigado pelo interesse! Está em promoção por {amount}",
            ],
            ask: &["Faz um precinho melhor?", "Quais cores tem?", "Parcela sem juros?"],
            answer: &[
                "Esse é o melhor preço, mas consigo incluir mais um ano de garantia",
                "Preto, branco e azul",
                "Em até 10x sem juros no cartão",
            ],
            close: &["Segue o link para comprar, qualquer dúvida me chama"],
            note: &["Lead quente, deve fechar esta semana"],
        },
        // Quote
        Script {
            open: &[
                "Queremos um orçamento de {qty} unidades do {product}",
                "Qual o preço de atacado para {qty} peças?",
            ],
            detail: &["Somos uma loja em São Paulo, buscando fornecedor fixo"],
            first: &[
                "Olá, sou {agent}, do time comercial. Para {qty} unidades fazemos {amount} cada",
                "Obrigado pelo contato! Me passa o CNPJ que preparo o orçamento",
            ],
            ask: &["Dá pra melhorar o preço?", "Manda o orçamento por e-mail", "Qual o prazo?"],
            answer: &[
                "Orçamento enviado para o seu e-mail, válido por 15 dias",
                "Acima de {qty} unidades damos mais {discount}% de desconto",
            ],
            close: &["Conte com a gente!"],
            note: &["Lead grande, {qty} unidades, orçamento enviado"],
        },
    ],
    bot: &[
        "Oi! Recebemos sua mensagem, um atendente já vai falar com você",
        "[Resposta automática] Nosso horário de atendimento é das 9h às 21h",
    ],
    bot_email: &["[Resposta automática] Recebemos seu e-mail e responderemos em até 24 horas"],
    nudge: &["Oi??", "Alguém aí?", "Ainda estou aguardando", "Alô?"],
    thanks: &["Obrigada!", "Valeu!", "Show, obrigado", "Perfeito, obrigado 🙏"],
    reopen: &["Oi, o problema voltou", "O reembolso ainda não caiu", "Não foi resolvido"],
    reopen_answer: &["Poxa, desculpe! Vou verificar de novo", "Já estou olhando"],
    reopen_update: &["Oi {customer}, reabri seu atendimento {ticket} com uma novidade"],
    follow_up: &[
        "Oi {customer}, tudo bem? Conseguiu ver o orçamento?",
        "Oi, a promoção do {product} acaba amanhã, quer que eu reserve?",
    ],
    follow_up_reply: &["Ainda estou vendo com meu sócio", "Vamos fechar, como pago?", "Reserva sim"],
    handover: &["Oi, sou {agent} e vou continuar seu atendimento"],
    reasons: [
        &["Encaminhando para o time certo", "Consulta de vendas"],
        &["Reclamação escalada", "Reembolso precisa de aprovação"],
        &["Interesse em compra no atacado, passando para vendas"],
        &["Troca de turno"],
    ],
    ops_note: &["Identidade confirmada, encaminhando", "Cliente VIP, prioridade"],
    csat: [
        &["Demorou demais", "Não resolveram", "Atendimento fraco"],
        &["Ok", "Um pouco demorado"],
        &["Muito bom, obrigado!", "Atendimento rápido", "Nota 10", "Obrigado {agent}!"],
    ],
    agent_fix: &[
        ("Anotei o pedido {order_typo}", "Anotei o pedido {order}"),
        ("Reembolso de {amount_typo} solicitado", "Reembolso de {amount} solicitado"),
    ],
    customer_fix: &[("pedido {order_typo}", "pedido {order}")],
    recall: &["amor compra pão", "[foto]", "chego às 7"],
    wrong: &["Oi, seu pedido foi entregue, pode confirmar?"],
    sorry: &["Desculpe, mandei a mensagem errada"],
};
